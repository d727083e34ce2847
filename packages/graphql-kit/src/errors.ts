import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { databaseUnavailable, type DatabaseUnavailableReason } from '@hub/db';
import { DomainError } from '@hub/domain';
import { subgraphLog } from './log';

const PASS_THROUGH_CODES = new Set([
  'BAD_USER_INPUT',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
]);

// graphql-js words a variable that fails coercion as: Variable "$input" got invalid value … at "input.lines[0].seats"; …
const COERCION = /^Variable "\$([A-Za-z_][A-Za-z0-9_]*)" got invalid value .*? at "([^"]+)";|^Variable "\$([A-Za-z_][A-Za-z0-9_]*)" got invalid value/s;

/**
 * The input field a variable-coercion failure is about, named as the domain names fields: the
 * path inside the argument (`startsOn`, `lines[0].seats`), or the variable itself.
 */
export function coercedField(message: string): string | undefined {
  const match = COERCION.exec(message);
  if (!match) return undefined;
  const [, variable, path, bare] = match;
  if (path === undefined) return bare;
  const inside = path.slice(variable!.length).replace(/^\./, '');
  return inside === '' ? variable : inside;
}

function originalOf(error: unknown): unknown {
  let current = error;
  while (current instanceof GraphQLError && current.originalError && current.originalError !== current) current = current.originalError;
  return current;
}

/** The masked error's line, tagged with the request it happened in (see log.ts). */
const logMasked = (error: unknown) => subgraphLog('error', 'unexpected error, masked as INTERNAL_SERVER_ERROR', error);

const DATABASE_LOG_INTERVAL_MS = 10_000;
const databaseLoggedAt = new Map<DatabaseUnavailableReason, number>();

/**
 * During an outage every request fails the same way: one line per reason per interval says so
 * without burying the log. The driver's message is not sent to clients (it names the
 * database's address); it is logged here.
 */
function logDatabaseUnavailable(reason: DatabaseUnavailableReason, error: unknown): void {
  const now = Date.now();
  if (now - (databaseLoggedAt.get(reason) ?? -Infinity) < DATABASE_LOG_INTERVAL_MS) return;
  databaseLoggedAt.set(reason, now);
  subgraphLog('warn', `database unavailable (${reason}), answered SERVICE_UNAVAILABLE (retryable); repeats within ${DATABASE_LOG_INTERVAL_MS / 1000} s are not logged`, error);
}

/** What a client is told when the database could not serve its request: retry, and which part failed. */
export function databaseUnavailableError(reason: DatabaseUnavailableReason) {
  return {
    message: 'The database is unavailable; retry shortly.',
    extensions: { code: 'SERVICE_UNAVAILABLE', retryable: true, part: 'database', reason },
  } as const;
}

/**
 * The one place errors become what clients see. Domain errors keep their code and details;
 * errors GraphQL itself raised (parse, validation, variable coercion) pass through; a database
 * that could not serve (unreachable, connection lost, timed out) is SERVICE_UNAVAILABLE,
 * retryable; anything else is a bug whose message may leak internals, so it is logged and masked.
 */
export function formatError(formatted: GraphQLFormattedError, error: unknown, log: (e: unknown) => void = logMasked): GraphQLFormattedError {
  const original = originalOf(error);
  if (original instanceof DomainError) {
    return { ...formatted, message: original.message, extensions: { ...original.details, code: original.code } };
  }
  const code = formatted.extensions?.code;
  if (typeof code === 'string' && (PASS_THROUGH_CODES.has(code) || code.includes('.'))) {
    const { stacktrace: _stacktrace, ...extensions } = formatted.extensions ?? {};
    const field = code === 'BAD_USER_INPUT' && extensions.field === undefined ? coercedField(formatted.message) : undefined;
    return { ...formatted, extensions: field === undefined ? extensions : { ...extensions, field } };
  }
  if (original instanceof GraphQLError && !original.originalError) {
    return { message: formatted.message, locations: formatted.locations, path: formatted.path, extensions: { code: 'BAD_USER_INPUT' } };
  }
  const unavailable = databaseUnavailable(original);
  if (unavailable) {
    logDatabaseUnavailable(unavailable, original);
    return { ...databaseUnavailableError(unavailable), path: formatted.path };
  }
  log(original);
  return { message: 'Internal server error', path: formatted.path, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
}
