import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { streamUntil } from './stream-until';

// A full collection on demand, to see what a long-lived stream still holds.
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

/** An upstream that sends one result, then waits for an event that never comes; it says when it is released. */
function quietUpstream() {
  const state = { released: false };
  const iterator: AsyncIterableIterator<number> = {
    [Symbol.asyncIterator]: () => iterator,
    next: (() => {
      let sent = false;
      return () => (sent ? new Promise<IteratorResult<number>>(() => undefined) : ((sent = true), Promise.resolve({ done: false, value: 1 })));
    })(),
    return: async () => {
      state.released = true;
      return { done: true, value: undefined };
    },
  };
  return { iterator, state };
}

describe('streamUntil', () => {
  it('releases a quiet upstream at once when its reader leaves, and settles the next() that was waiting', async () => {
    const { iterator, state } = quietUpstream();
    const ended: string[] = [];
    const stream = streamUntil(iterator, new AbortController().signal, () => 0, () => ended.push('end'));
    expect(await stream.next()).toEqual({ done: false, value: 1 });
    const waiting = stream.next();
    await stream.return?.();
    expect(state.released).toBe(true);
    expect(await waiting).toEqual({ done: true, value: undefined });
    expect(ended).toEqual(['end']);
  });

  it('sends the last result once when stopped, then ends, releasing upstream', async () => {
    const { iterator, state } = quietUpstream();
    const stop = new AbortController();
    const stream = streamUntil(iterator, stop.signal, () => 99);
    await stream.next();
    const waiting = stream.next();
    stop.abort();
    expect(await waiting).toEqual({ done: false, value: 99 });
    expect(await stream.next()).toEqual({ done: true, value: undefined });
    expect(state.released).toBe(true);
  });

  it('sends only the last result for a stop that came before the first read', async () => {
    const { iterator } = quietUpstream();
    const stop = new AbortController();
    stop.abort();
    const stream = streamUntil(iterator, stop.signal, () => 99);
    expect(await stream.next()).toEqual({ done: false, value: 99 });
    expect(await stream.next()).toEqual({ done: true, value: undefined });
  });

  it('holds none of the results it has passed on while the stream stays open (the drain and the token expiry wrap it)', async () => {
    const sent: WeakRef<object>[] = [];
    async function* results() {
      for (;;) {
        const result = { data: { dealUpdated: { id: String(sent.length), note: 'x'.repeat(1_000) } } };
        sent.push(new WeakRef(result));
        yield result;
      }
    }
    const stream = streamUntil<object>(results(), new AbortController().signal, () => ({}));
    for (let i = 0; i < 200; i += 1) await stream.next();
    // A WeakRef keeps its target until the job that made it ends.
    await new Promise((resolve) => setImmediate(resolve));
    collectGarbage();
    // The last result may still sit in the generator's frame; the 199 before it must be gone.
    expect(sent.slice(0, -1).filter((ref) => ref.deref() !== undefined)).toHaveLength(0);
    await stream.return?.();
  });

  it('passes an upstream error on, once, and is done after it', async () => {
    const failing: AsyncIterableIterator<number> = {
      [Symbol.asyncIterator]: () => failing,
      next: () => Promise.reject(new Error('upstream broke')),
    };
    const ended: string[] = [];
    const stream = streamUntil(failing, new AbortController().signal, () => 0, () => ended.push('end'));
    await expect(stream.next()).rejects.toThrow('upstream broke');
    expect(await stream.next()).toEqual({ done: true, value: undefined });
    expect(ended).toEqual(['end']);
  });
});
