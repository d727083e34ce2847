/**
 * Why a statement failed because the database could not serve it — unreachable, the connection
 * lost, a lock or statement that ran out of time, the pool exhausted — rather than because of the
 * request or a bug. Such a failure is worth retrying once the database is back, so the API
 * reports it as SERVICE_UNAVAILABLE (retryable) instead of masking it as an internal error.
 */
export type DatabaseUnavailableReason = 'UNREACHABLE' | 'CONNECTION_LOST' | 'TIMEOUT' | 'LOCK_TIMEOUT' | 'BUSY';

// mysql2 reports socket failures with Node's errno codes and protocol failures with its own.
const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ER_CON_COUNT_ERROR', 'ER_SERVER_SHUTDOWN']);
const CONNECTION_LOST = new Set([
  'PROTOCOL_CONNECTION_LOST',
  'ECONNRESET',
  'EPIPE',
  'PROTOCOL_ENQUEUE_AFTER_FATAL_ERROR',
  'PROTOCOL_ENQUEUE_AFTER_QUIT',
  // MariaDB killing the connection as it shuts down.
  'ER_CONNECTION_KILLED',
]);
const TIMEOUT = new Set([
  'ETIMEDOUT',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  // MariaDB's max_statement_time (errno 1969) and MySQL's MAX_EXECUTION_TIME (3024).
  'ER_STATEMENT_TIMEOUT',
  'ER_QUERY_TIMEOUT',
]);
const LOCK_TIMEOUT = new Set(['ER_LOCK_WAIT_TIMEOUT', 'ER_LOCK_DEADLOCK']);
// better-sqlite3's SqliteError codes: another writer held the file past busy_timeout.
const BUSY = new Set(['SQLITE_BUSY', 'SQLITE_BUSY_SNAPSHOT', 'SQLITE_BUSY_TIMEOUT', 'SQLITE_LOCKED']);
const ERRNO: Readonly<Record<number, DatabaseUnavailableReason>> = { 1969: 'TIMEOUT', 3024: 'TIMEOUT', 1205: 'LOCK_TIMEOUT', 1213: 'LOCK_TIMEOUT', 1927: 'CONNECTION_LOST', 1053: 'UNREACHABLE', 1040: 'UNREACHABLE' };
// Errors that carry no code: the pool's own refusals (mysql2) and TypeORM's.
const MESSAGES: readonly [RegExp, DatabaseUnavailableReason][] = [
  [/^Pool is closed/i, 'UNREACHABLE'],
  [/Queue limit reached|acquire.*timeout|timeout.*acquir/i, 'TIMEOUT'],
  [/Connection lost|Can't add new command when connection is in closed state/i, 'CONNECTION_LOST'],
  [/max_statement_time exceeded|maximum statement execution time exceeded/i, 'TIMEOUT'],
];

function reasonOf(error: object): DatabaseUnavailableReason | null {
  const { code, errno, message } = error as { code?: unknown; errno?: unknown; message?: unknown };
  if (typeof code === 'string') {
    if (UNREACHABLE.has(code)) return 'UNREACHABLE';
    if (CONNECTION_LOST.has(code)) return 'CONNECTION_LOST';
    if (TIMEOUT.has(code)) return 'TIMEOUT';
    if (LOCK_TIMEOUT.has(code)) return 'LOCK_TIMEOUT';
    if (BUSY.has(code)) return 'BUSY';
  }
  if (typeof errno === 'number' && ERRNO[errno]) return ERRNO[errno];
  if (typeof message === 'string') for (const [pattern, reason] of MESSAGES) if (pattern.test(message)) return reason;
  return null;
}

/**
 * The reason `error` means the database could not serve, or null for any other error. Looks
 * through the wrappers drivers and TypeORM put around the cause (QueryFailedError's
 * `driverError`, `cause`, AggregateError's `errors` from a connect tried on several addresses).
 */
export function databaseUnavailable(error: unknown): DatabaseUnavailableReason | null {
  const seen = new Set<object>();
  const queue: unknown[] = [error];
  while (queue.length > 0) {
    const current = queue.shift();
    if (typeof current !== 'object' || current === null || seen.has(current)) continue;
    seen.add(current);
    const reason = reasonOf(current);
    if (reason) return reason;
    const { driverError, cause, errors } = current as { driverError?: unknown; cause?: unknown; errors?: unknown };
    queue.push(driverError, cause);
    if (Array.isArray(errors)) queue.push(...errors);
  }
  return null;
}
