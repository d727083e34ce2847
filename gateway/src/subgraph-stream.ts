import { GraphQLError, type ExecutionResult, type FormattedExecutionResult } from 'graphql';
import type { Sink } from 'graphql-ws';
import { subgraphUnavailable } from './upstream-resilience';

/** A result as it arrives from a subgraph over graphql-ws (plain JSON errors), or one the gateway made. */
export type StreamResult = ExecutionResult | FormattedExecutionResult;

/**
 * Results a subscription holds for a reader that reads more slowly than its subgraph sends: a
 * resume from far back in the deal feed arrives in pages of 500 as fast as the subgraph reads
 * them. Past this the stream ends (see `tooSlow`), so one slow reader costs a bounded amount of
 * memory, a few megabytes.
 */
export const MAX_HELD_RESULTS = 5_000;

/** The last result for a reader that fell `maxHeld` results behind: it resumes with `after:`. */
export const tooSlow = (): StreamResult => ({
  errors: [
    new GraphQLError('The subscription was read more slowly than events arrived; subscribe again with after: the id of the last event received', {
      extensions: { code: 'SERVICE_UNAVAILABLE', retryable: true, reason: 'TOO_SLOW' },
    }),
  ],
});

/**
 * graphql-ws reports the subgraph's own GraphQL errors as an array; anything else (a close
 * event, the socket's error event when it could not connect) means the connection was lost.
 */
const lostConnection = (thrown: unknown) => !Array.isArray(thrown);

/**
 * One subscription to a subgraph, read as fast as the subgraph sends and held for its reader up
 * to `maxHeld` results. It ends with one last result when the connection is lost (a retryable
 * SUBGRAPH_UNAVAILABLE naming the subgraph) or when the reader fell `maxHeld` behind (`tooSlow`);
 * either way the caller subscribes again with `after:` and misses nothing. The subgraph's own
 * errors are thrown to the reader after what was held before them.
 *
 * Not an async generator: its return() would wait for the pending event, and a reader who
 * leaves must release the subgraph's subscription at once.
 */
export function subgraphStream(subgraph: string, subscribe: (sink: Sink<StreamResult>) => () => void, maxHeld = MAX_HELD_RESULTS): AsyncIterableIterator<StreamResult> {
  const held: StreamResult[] = [];
  let failure: { error: unknown } | undefined;
  let ended = false;
  let waiting: (() => void) | undefined;
  const wake = () => {
    const resume = waiting;
    waiting = undefined;
    resume?.();
  };
  // Filled in once subscribe() returns: the sink may be called before that.
  const upstream: { unsubscribe?: () => void } = {};
  const end = (last?: StreamResult) => {
    if (ended) return;
    ended = true;
    if (last) held.push(last);
    upstream.unsubscribe?.();
    wake();
  };
  upstream.unsubscribe = subscribe({
    next: (result) => {
      if (ended) return;
      if (held.length >= maxHeld) return end(tooSlow());
      held.push(result);
      wake();
    },
    error: (error) => {
      if (ended) return;
      if (lostConnection(error)) return end({ errors: [subgraphUnavailable(subgraph, 'UNREACHABLE')] });
      failure = { error };
      end();
    },
    complete: () => end(),
  });
  // The subscription may have ended before subscribe() returned its unsubscribe.
  if (ended) upstream.unsubscribe();

  const done = (): IteratorResult<StreamResult> => ({ done: true, value: undefined });
  const iterator: AsyncIterableIterator<StreamResult> = {
    [Symbol.asyncIterator]: () => iterator,
    next: async () => {
      for (;;) {
        const result = held.shift();
        if (result) return { done: false, value: result };
        if (failure) {
          const { error } = failure;
          failure = undefined;
          throw error;
        }
        if (ended) return done();
        await new Promise<void>((resolve) => (waiting = resolve));
      }
    },
    return: async () => {
      held.length = 0;
      failure = undefined;
      end();
      return done();
    },
  };
  return iterator;
}
