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
