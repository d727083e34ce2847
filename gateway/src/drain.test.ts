import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { untilDrained } from './drain';

// A full collection on demand, to see what a long-lived stream still holds.
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

async function* forever(): AsyncGenerator<number> {
  yield 1;
  // An upstream that waits for an event that never comes.
  await new Promise(() => undefined);
}

describe('untilDrained', () => {
  it('passes results through, then on the drain sends the last one and ends without waiting for upstream', async () => {
    const controller = new AbortController();
    const received: (number | string)[] = [];
    const reading = (async () => {
      for await (const value of untilDrained<number | string>(forever(), controller.signal, () => 'restart')) received.push(value);
    })();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(received).toEqual([1]);
    controller.abort();
    await reading;
    expect(received).toEqual([1, 'restart']);
  });

  it('ends as its upstream ends when there is no drain', async () => {
    async function* two() {
      yield 1;
      yield 2;
    }
    const received: number[] = [];
    for await (const value of untilDrained(two(), new AbortController().signal, () => 0)) received.push(value);
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
    const stream = untilDrained<object>(results(), new AbortController().signal, () => ({}));
    for (let i = 0; i < 200; i += 1) await stream.next();
    // A WeakRef keeps its target until the job that made it ends.
    await new Promise((resolve) => setImmediate(resolve));
    collectGarbage();
    // The last result may still sit in the generators' frames; the 199 before it must be gone.
    expect(sent.slice(0, -1).filter((ref) => ref.deref() !== undefined)).toHaveLength(0);
    await stream.return?.();
  });
});
