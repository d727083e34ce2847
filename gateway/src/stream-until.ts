import { nextOrAbort } from './next-or-abort';

/** Why a stream ended early: `stop` aborted (send the last result), or its reader left. */
type EndReason = 'stopped' | 'left';

/**
 * Passes a stream's results through until `stop` aborts, then sends `last()` and ends; `onEnd`
 * runs once however it ends. The upstream is released at once, never awaited: a generator's
 * return() waits for the next() still pending on it, an event that may never come.
 *
 * Not an async generator, for the same reason on this side: when the reader leaves (a client
 * unsubscribes or disconnects), a generator's return() waits until the generator reaches its
 * next `yield` — the next upstream event, hours away for a quiet, narrowly filtered
 * subscription — and until then the subgraph keeps the subscription nobody reads. Here return()
 * releases the upstream and settles a pending next() at once.
 */
export function streamUntil<T>(stream: AsyncIterable<T>, stop: AbortSignal, last: () => T, onEnd?: () => void): AsyncIterableIterator<T> {
  const upstream = stream[Symbol.asyncIterator]();
  const ending = new AbortController();
  const onStop = () => ending.abort('stopped' satisfies EndReason);
  if (stop.aborted) onStop();
  else stop.addEventListener('abort', onStop, { once: true });
  let finished = false;
  const finish = () => {
    if (finished) return;
    finished = true;
    stop.removeEventListener('abort', onStop);
    onEnd?.();
    void Promise.resolve(upstream.return?.()).catch(() => undefined);
  };
  const done = (): IteratorResult<T> => ({ done: true, value: undefined });
  const iterator: AsyncIterableIterator<T> = {
    [Symbol.asyncIterator]: () => iterator,
    next: async () => {
      if (finished) return done();
      let next: IteratorResult<T> | 'aborted';
      try {
        next = await nextOrAbort(upstream, ending.signal);
      } catch (error) {
        finish();
        throw error;
      }
      if (next === 'aborted') {
        const stopped = !finished && (ending.signal.reason as EndReason) === 'stopped';
        finish();
        return stopped ? { done: false, value: last() } : done();
      }
      if (next.done) finish();
      return next;
    },
    return: async () => {
      ending.abort('left' satisfies EndReason);
      finish();
      return done();
    },
  };
  return iterator;
}
