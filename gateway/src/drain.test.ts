import { describe, expect, it } from 'vitest';
import { untilDrained } from './drain';

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
});
