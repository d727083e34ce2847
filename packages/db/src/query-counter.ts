import type { Logger, QueryRunner } from 'typeorm';

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
    console.warn(`slow query (${time} ms): ${query}`);
  }

  logSchemaBuild(): void {}

  logMigration(message: string): void {
    if (this.echo) console.log(message);
  }

  log(level: 'log' | 'info' | 'warn', message: unknown): void {
    if (level === 'warn') console.warn(message);
  }
}
