import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it, vi } from 'vitest';
import { untilExpiry } from './stream-expiry';

// A full collection on demand, to see what a long-lived stream still holds.
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

/** A quiet upstream that, like the runtime's subscription iterators, ends a pending next() when returned. */
function quiet(): AsyncIterableIterator<number> {
  let first = true;
  let pending: ((result: IteratorResult<number>) => void) | undefined;
  return {
    [Symbol.asyncIterator]() {
      return this;
    },
    next: () => {
      if (!first) return new Promise((resolve) => (pending = resolve));
      first = false;
      return Promise.resolve({ value: 1, done: false });
    },
    return: () => {
      pending?.({ value: undefined, done: true });
      return Promise.resolve({ value: undefined, done: true });
    },
  };
}

describe('untilExpiry', () => {
  it('ends a quiet stream at the expiry with the expired result', async () => {
    const received: (number | string)[] = [];
    for await (const value of untilExpiry<number | string>(quiet(), Date.now() + 30, () => 'expired')) received.push(value);
    expect(received).toEqual([1, 'expired']);
  });

  it('waits out a token that lives longer than one timer can (30 days), and ends it then', async () => {
    vi.useFakeTimers();
    try {
      const DAY_MS = 24 * 3600 * 1000;
      const stream = untilExpiry<number | string>(quiet(), Date.now() + 30 * DAY_MS, () => 'expired');
      expect(await stream.next()).toEqual({ done: false, value: 1 });
      const waiting = stream.next();
      let settled = false;
      void waiting.then(() => (settled = true));
      await vi.advanceTimersByTimeAsync(29 * DAY_MS);
      expect(settled).toBe(false);
      await vi.advanceTimersByTimeAsync(DAY_MS);
      expect(await waiting).toEqual({ done: false, value: 'expired' });
    } finally {
      vi.useRealTimers();
    }
  });

  it('ends as its upstream ends before the expiry', async () => {
    async function* two() {
      yield 1;
      yield 2;
    }
    const received: number[] = [];
    for await (const value of untilExpiry(two(), Date.now() + 60_000, () => 0)) received.push(value);
    expect(received).toEqual([1, 2]);
  });

  it('holds none of the results it has passed on while the stream stays open', async () => {
    const sent: WeakRef<object>[] = [];
    async function* results() {
      for (;;) {
        const result = { data: { dealUpdated: { id: String(sent.length), note: 'x'.repeat(1_000) } } };
        sent.push(new WeakRef(result));
        yield result;
      }
    }
    const stream = untilExpiry<object>(results(), Date.now() + 60_000, () => ({}));
    for (let i = 0; i < 200; i += 1) await stream.next();
    // A WeakRef keeps its target until the job that made it ends.
    await new Promise((resolve) => setImmediate(resolve));
    collectGarbage();
    // The last result may still sit in the generators' frames; the 199 before it must be gone.
    expect(sent.slice(0, -1).filter((ref) => ref.deref() !== undefined)).toHaveLength(0);
    await stream.return?.();
  });
});
