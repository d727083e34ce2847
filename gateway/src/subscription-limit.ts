import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { GraphQLError, type ExecutionResult } from 'graphql';
import type { Claims } from '@hub/auth';
import { streamUntil } from './stream-until';

/**
 * Subscriptions one caller (a token's role and subject) may hold open at once on a gateway
 * instance, SSE and graphql-ws together. A distributor integration or a portal holds a handful;
 * without a bound, one token could open thousands, each a subscription at a subgraph and a
 * listener on its feed, within the rate limit.
 */
export const MAX_SUBSCRIPTIONS_PER_CALLER = 100;

const isAsyncIterable = (value: unknown): value is AsyncIterable<unknown> => typeof value === 'object' && value !== null && Symbol.asyncIterator in value;

/** Never aborts: the limit only counts a stream, it never ends one. */
const OPEN = new AbortController().signal;

/**
 * Counts each caller's open subscriptions and refuses one past `max` with RATE_LIMITED (naming
 * the limit) before anything reaches a subgraph; a subscription counts until its stream ends,
 * however it ends (the caller leaves, the subgraph ends it, a drain, the token's expiry).
 */
export function useSubscriptionsPerCallerLimit(max = MAX_SUBSCRIPTIONS_PER_CALLER): GatewayPlugin<{ claims?: Claims }> {
  const open = new Map<string, number>();
  const release = (caller: string) => {
    const left = (open.get(caller) ?? 1) - 1;
    if (left > 0) open.set(caller, left);
    else open.delete(caller);
  };
  return {
    onSubscribe({ args, setResultAndStopExecution }) {
      const claims = (args.contextValue as { claims?: Claims }).claims;
      // Without claims the subscription is refused further on (UNAUTHENTICATED); nothing to count.
      if (!claims) return undefined;
      const caller = `${claims.role}:${claims.sub}`;
      const count = open.get(caller) ?? 0;
      if (count >= max) {
        setResultAndStopExecution({
          errors: [
            new GraphQLError(`At most ${max} subscriptions may be open at once per caller: close one first`, {
              extensions: { code: 'RATE_LIMITED', limit: 'subscriptionsPerCaller', max },
            }),
          ],
        });
        return undefined;
      }
      open.set(caller, count + 1);
      let released = false;
      const releaseOnce = () => {
        if (released) return;
        released = true;
        release(caller);
      };
      return {
        onSubscribeResult({ result, setResult }) {
          if (isAsyncIterable(result)) setResult(streamUntil(result as AsyncIterable<ExecutionResult>, OPEN, () => ({}), releaseOnce));
          else releaseOnce();
        },
      };
    },
  };
}
