import type { Logger, QueryRunner } from 'typeorm';

/** Where the database's warnings go (slow queries, TypeORM's warnings). */
export type DatabaseWarningSink = (message: string) => void;

const consoleWarnings: DatabaseWarningSink = (message) => console.warn(message);
let warningSink: DatabaseWarningSink = consoleWarnings;

/**
 * Sends the database's warnings elsewhere (undefined restores the console); answers the previous
 * sink. A subgraph sends them to its log, which names the request they happened in.
 */
export function setDatabaseWarnings(next: DatabaseWarningSink | undefined): DatabaseWarningSink {
  const previous = warningSink;
  warningSink = next ?? consoleWarnings;
  return previous;
}

/**
 * A TypeORM logger that counts the SQL statements a data source sends. Tests use it to prove
 * that a list query costs a fixed number of statements however many rows it returns.
 */
export class QueryCounter implements Logger {
  private count = 0;
  private readonly recent: string[] = [];

  constructor(private readonly echo = false) {}

  get total(): number {
    return this.count;
  }

  /** The statements seen since the last reset, for a readable failure message. */
  get statements(): readonly string[] {
    return this.recent;
  }

  reset(): void {
    this.count = 0;
    this.recent.length = 0;
  }

  logQuery(query: string, _parameters?: unknown[], _queryRunner?: QueryRunner): void {
    this.count += 1;
    if (this.recent.length < 200) this.recent.push(query);
    if (this.echo) console.log(query);
  }

  logQueryError(error: string | Error, query: string): void {
    if (this.echo) console.error('query failed:', query, error);
  }

  logQuerySlow(time: number, query: string): void {
    // The statement without its parameters: the line never carries the caller's data.
    warningSink(`slow query (${time} ms): ${query}`);
  }

  logSchemaBuild(): void {}

  logMigration(message: string): void {
    if (this.echo) console.log(message);
  }

  log(level: 'log' | 'info' | 'warn', message: unknown): void {
    if (level === 'warn') warningSink(String(message));
  }
}
