import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { DomainError } from '@hub/domain';

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

function originalOf(error: unknown): unknown {
  let current = error;
  while (current instanceof GraphQLError && current.originalError && current.originalError !== current) current = current.originalError;
  return current;
}

/**
 * The one place errors become what clients see. Domain errors keep their code and details;
 * errors GraphQL itself raised (parse, validation, variable coercion) pass through; anything
 * else is a bug whose message may leak internals, so it is logged and masked.
 */
export function formatError(formatted: GraphQLFormattedError, error: unknown, log: (e: unknown) => void = console.error): GraphQLFormattedError {
  const original = originalOf(error);
  if (original instanceof DomainError) {
    return { ...formatted, message: original.message, extensions: { ...original.details, code: original.code } };
  }
  const code = formatted.extensions?.code;
  if (typeof code === 'string' && (PASS_THROUGH_CODES.has(code) || code.includes('.'))) {
    const { stacktrace: _stacktrace, ...extensions } = formatted.extensions ?? {};
    return { ...formatted, extensions };
  }
  if (original instanceof GraphQLError && !original.originalError) {
    return { message: formatted.message, locations: formatted.locations, path: formatted.path, extensions: { code: 'BAD_USER_INPUT' } };
  }
  log(original);
  return { message: 'Internal server error', path: formatted.path, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
}
