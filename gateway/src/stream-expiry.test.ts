import { describe, expect, it, vi } from 'vitest';
import { untilExpiry } from './stream-expiry';

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
});
