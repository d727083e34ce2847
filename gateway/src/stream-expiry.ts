import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { GraphQLError, type ExecutionResult } from 'graphql';
import { streamUntil } from './stream-until';

/** Where the gateway keeps the verified token's expiry (epoch milliseconds) in the context. */
export interface TokenExpiry {
  tokenExpiresAt?: number;
}

/** The longest delay setTimeout keeps. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export const TOKEN_EXPIRED_MESSAGE = 'The token has expired: subscribe again with a fresh one';

const expiredResult = (): ExecutionResult => ({ errors: [new GraphQLError(TOKEN_EXPIRED_MESSAGE, { extensions: { code: 'UNAUTHENTICATED' } })] });

/**
 * Passes the stream's results through until `expiresAt`, then sends one UNAUTHENTICATED error
 * and ends it (releasing the upstream subscription), however long the stream has been quiet.
 */
export function untilExpiry<T>(stream: AsyncIterable<T>, expiresAt: number, expired: () => T): AsyncIterableIterator<T> {
  const expiry = new AbortController();
  let timer: ReturnType<typeof setTimeout>;
  // A timer fires at once past 2^31 - 1 ms (24.8 days): a longer JWT_MAX_TTL waits in steps.
  const arm = () => {
    const left = expiresAt - Date.now();
    timer = left > MAX_TIMER_MS ? setTimeout(arm, MAX_TIMER_MS) : setTimeout(() => expiry.abort(), Math.max(0, left));
  };
  arm();
  return streamUntil(stream, expiry.signal, expired, () => clearTimeout(timer));
}

const isAsyncIterable = (value: unknown): value is AsyncIterable<unknown> =>
  typeof value === 'object' && value !== null && Symbol.asyncIterator in value;

/**
 * A subscription (graphql-ws or SSE) lives no longer than the token it was opened with: the
 * caller's rights were checked once, at subscribe time, and a revoked caller must not keep
 * receiving deal updates on an old connection.
 */
export function useStreamsEndAtTokenExpiry(): GatewayPlugin<TokenExpiry> {
  return {
    onSubscribe({ args }) {
      const expiresAt = (args.contextValue as TokenExpiry).tokenExpiresAt;
      if (expiresAt === undefined) return undefined;
      return {
        onSubscribeResult({ result, setResult }) {
          if (isAsyncIterable(result)) setResult(untilExpiry(result as AsyncIterable<ExecutionResult>, expiresAt, expiredResult));
        },
      };
    },
  };
}
