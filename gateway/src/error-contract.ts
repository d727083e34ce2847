import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { GraphQLError, type ExecutionResult } from 'graphql';

// graphql-js words every variable-coercion failure as `Variable "$name" …` (got invalid value,
// of required type was not provided, of non-null type must not be null, …) and codes none.
const VARIABLE_PROBLEM = /^Variable "\$([_A-Za-z][_0-9A-Za-z]*)"/;

/** A variable that could not be coerced is bad input like any other: coded, naming the variable. */
export function codeVariableError(error: GraphQLError): GraphQLError {
  if (error.extensions?.code !== undefined) return error;
  const variable = VARIABLE_PROBLEM.exec(error.message)?.[1];
  if (variable === undefined) return error;
  return new GraphQLError(error.message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    originalError: error.originalError,
    extensions: { ...error.extensions, code: 'BAD_USER_INPUT', field: variable },
  });
}

function codeResult(result: ExecutionResult): ExecutionResult {
  if (!result.errors?.length) return result;
  return { ...result, errors: result.errors.map((error) => (error instanceof GraphQLError ? codeVariableError(error) : error)) };
}

export function useCodedVariableErrors(): GatewayPlugin {
  return {
    onExecutionResult({ result, setResult }) {
      if (!(Symbol.asyncIterator in (result as object))) setResult(codeResult(result as ExecutionResult));
    },
    onSubscribe() {
      return {
        onSubscribeResult({ result, setResult }) {
          if (!(Symbol.asyncIterator in (result as object))) setResult(codeResult(result as ExecutionResult));
        },
      };
    },
  };
}

const REFUSALS = new Set(['FORBIDDEN', 'UNAUTHENTICATED']);

interface LoggingContext {
  log?: { warn(attrs: Record<string, unknown>, message: string): void };
  claims?: { role?: string };
}

/**
 * One warning per refused field (FORBIDDEN or UNAUTHENTICATED from a subgraph), with the role and
 * the path but never the caller's input: probing another tenant's data shows up in the logs.
 * The gateway's own refusals (401, 413, 429) are logged where it answers them.
 */
export function useRefusalLog(): GatewayPlugin {
  return {
    onExecutionResult({ result, context }) {
      if (Symbol.asyncIterator in (result as object)) return;
      const { log, claims } = context as LoggingContext;
      for (const error of (result as ExecutionResult).errors ?? []) {
        const code = error.extensions?.code;
        if (typeof code === 'string' && REFUSALS.has(code)) log?.warn({ code, role: claims?.role, path: error.path?.join('.') }, '[edge] refused');
      }
    },
  };
}

interface ErrorLike {
  message: string;
  path?: readonly (string | number)[];
  extensions?: Record<string, unknown>;
}

const isCodedErrorLike = (error: unknown): error is ErrorLike =>
  typeof error === 'object' && error !== null && !(error instanceof GraphQLError) && typeof (error as ErrorLike).message === 'string' &&
  typeof (error as ErrorLike).extensions?.code === 'string';

/**
 * Errors inside a subscription's events arrive from a subgraph over graphql-ws as plain objects;
 * the gateway's error masking would turn a subgraph's coded FORBIDDEN into "Unexpected error".
 * A plain error that carries a code was already shaped by the subgraph's own error contract, so
 * it is passed on as the GraphQLError it was, code and path kept.
 */
export function useUpstreamStreamErrors(): GatewayPlugin {
  const revive = (result: ExecutionResult): ExecutionResult =>
    result.errors?.some(isCodedErrorLike)
      ? {
          ...result,
          errors: result.errors.map((error) =>
            isCodedErrorLike(error) ? new GraphQLError(error.message, { path: error.path, extensions: error.extensions }) : error,
          ),
        }
      : result;
  return {
    onSubscribe() {
      return {
        onSubscribeResult() {
          return { onNext: ({ result, setResult }) => setResult(revive(result as ExecutionResult)) };
        },
      };
    },
  };
}
