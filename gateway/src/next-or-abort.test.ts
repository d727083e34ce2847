import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { nextOrAbort } from './next-or-abort';

function pendingForever(): AsyncIterator<number> {
  return { next: () => new Promise(() => undefined) };
}

describe('nextOrAbort', () => {
  it("answers the iterator's result and leaves no listener on the signal", async () => {
    const controller = new AbortController();
    const iterator = [1, 2][Symbol.iterator]();
    const source: AsyncIterator<number> = { next: async () => iterator.next() };
    for (let i = 0; i < 20; i += 1) await nextOrAbort(source, controller.signal);
    expect(await nextOrAbort({ next: async () => ({ value: 7, done: false }) }, controller.signal)).toEqual({ value: 7, done: false });
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('answers aborted when the signal aborts while the iterator is still waiting, and drops its listener', async () => {
    const controller = new AbortController();
    const next = nextOrAbort(pendingForever(), controller.signal);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
    controller.abort();
    expect(await next).toBe('aborted');
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('answers aborted at once on a signal already aborted, without asking the iterator', async () => {
    let asked = 0;
    const iterator: AsyncIterator<number> = {
      next: async () => {
        asked += 1;
        return { value: 1, done: false };
      },
    };
    expect(await nextOrAbort(iterator, AbortSignal.abort())).toBe('aborted');
    expect(asked).toBe(0);
  });

  it("passes the iterator's failure on and drops its listener", async () => {
    const controller = new AbortController();
    await expect(nextOrAbort({ next: () => Promise.reject(new Error('upstream failed')) }, controller.signal)).rejects.toThrow('upstream failed');
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });
});
