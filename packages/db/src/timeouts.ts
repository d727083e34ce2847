import { createRequire } from 'node:module';
import type mysql2 from 'mysql2';
import type { MysqlFlavor } from './data-source';

/**
 * How long the MySQL/MariaDB side may take before a request gives up, so a database that hangs
 * fails requests (SERVICE_UNAVAILABLE, retryable) instead of holding them. The defaults are far
 * above what a healthy request needs (its statements take milliseconds; a slow query is logged
 * from 1 s).
 */
export interface DatabaseTimeouts {
  /** Opening a connection, handshake included (mysql2 `connectTimeout`). */
  connectMs: number;
  /**
   * One statement. Enforced twice: by the server (MariaDB `max_statement_time`, MySQL
   * `MAX_EXECUTION_TIME`, which covers SELECTs only), which stops the work and keeps the
   * connection; and by the client a little later (mysql2's per-query `timeout`), which drops the
   * connection — the only thing that helps when the server itself hangs.
   */
  queryMs: number;
}

export const DEFAULT_DATABASE_TIMEOUTS: DatabaseTimeouts = { connectMs: 5_000, queryMs: 30_000 };

/** The client waits this much longer than the server, so a statement the server stopped reports the server's error. */
const CLIENT_MARGIN_MS = 2_000;

const requireHere = createRequire(import.meta.url);

/** The session statement that caps each statement's run time, in the flavor's own unit. */
export function statementTimeoutSql(flavor: MysqlFlavor, ms: number): string {
  const whole = Math.max(1, Math.round(ms));
  return flavor === 'mariadb' ? `SET SESSION max_statement_time = ${whole / 1000}` : `SET SESSION MAX_EXECUTION_TIME = ${whole}`;
}

type QueryArgs = [sql: unknown, values?: unknown, cb?: unknown];
interface LimitedConnection {
  query: (...args: QueryArgs) => unknown;
}

/**
 * `query` arguments with the client-side timeout added. Only callback queries (what TypeORM's
 * `query` sends) are limited: a streamed read (TypeORM's `stream`, the exports) runs as long as
 * its reader takes, and the server's limit still bounds each of its statements.
 */
export function withClientTimeout(args: QueryArgs, timeoutMs: number): QueryArgs {
  const [sql, values, cb] = args;
  const callback = typeof values === 'function' || typeof cb === 'function';
  if (!callback) return args;
  if (typeof sql === 'string') return [{ sql, timeout: timeoutMs }, values, cb];
  // A plain options object without its own timeout; a prepared Query command is left alone.
  if (typeof sql === 'object' && sql !== null && Object.getPrototypeOf(sql) === Object.prototype && !('timeout' in sql)) return [{ ...sql, timeout: timeoutMs }, values, cb];
  return args;
}

/**
 * mysql2 as TypeORM's `driver`, with each pooled connection limited: the first statement after
 * `state.enforced` is set is preceded by the session limit (commands on one connection run in
 * order, so it applies before that statement), and every callback query gets the client-side
 * timeout. Migrations run before `enforced` is set, so a long ALTER is not cut short.
 */
export function timedMysqlDriver(flavor: MysqlFlavor, timeouts: DatabaseTimeouts, state: { enforced: boolean }): typeof mysql2 {
  const limit = (connection: LimitedConnection) => {
    const query = connection.query.bind(connection);
    let sessionLimited = false;
    connection.query = (...args: QueryArgs) => {
      if (!state.enforced) return query(...args);
      if (!sessionLimited) {
        sessionLimited = true;
        // A failure here (the connection is already broken) shows on the statement that follows.
        query(statementTimeoutSql(flavor, timeouts.queryMs), () => undefined);
      }
      return query(...withClientTimeout(args, timeouts.queryMs + CLIENT_MARGIN_MS));
    };
  };
  // Required here, when a database opens, not when this module is imported: tracing (when on)
  // starts after the imports and must patch mysql2 before its first load (a test fails otherwise).
  const mysql = requireHere('mysql2') as typeof mysql2;
  const driver = Object.create(mysql) as typeof mysql2;
  driver.createPool = ((config: mysql2.PoolOptions) => {
    const pool = mysql.createPool({ ...config, connectTimeout: timeouts.connectMs });
    pool.on('connection', (connection) => limit(connection as unknown as LimitedConnection));
    return pool;
  }) as typeof mysql2.createPool;
  return driver;
}
