import type { Sink } from 'graphql-ws';
import { describe, expect, it } from 'vitest';
import { subgraphStream, type StreamResult } from './subgraph-stream';

/** A subscription whose subgraph side the test drives: what it sends, and whether it was let go. */
function fakeSubgraph() {
  const state = { sink: undefined as Sink<StreamResult> | undefined, unsubscribed: 0 };
  const subscribe = (sink: Sink<StreamResult>) => {
    state.sink = sink;
    return () => {
      state.unsubscribed += 1;
    };
  };
  return { state, subscribe, send: (n: number) => state.sink!.next({ data: { n } }) };
}

const take = async (stream: AsyncIterableIterator<StreamResult>, count: number) => {
  const results: StreamResult[] = [];
  for (let i = 0; i < count; i += 1) {
    const next = await stream.next();
    if (next.done) break;
    results.push(next.value);
  }
  return results;
};

describe('subgraphStream', () => {
  it('passes results on in order, to a reader waiting or behind', async () => {
    const subgraph = fakeSubgraph();
    const stream = subgraphStream('deals', subgraph.subscribe, 10);
    const first = stream.next();
    subgraph.send(1);
    expect(await first).toEqual({ done: false, value: { data: { n: 1 } } });
    subgraph.send(2);
    subgraph.send(3);
    expect(await take(stream, 2)).toEqual([{ data: { n: 2 } }, { data: { n: 3 } }]);
  });

  it('ends a reader that fell behind by maxHeld with what it held, then a retryable TOO_SLOW, and lets the subgraph go', async () => {
    const subgraph = fakeSubgraph();
    const stream = subgraphStream('deals', subgraph.subscribe, 3);
    for (let n = 1; n <= 10; n += 1) subgraph.send(n);
    expect(subgraph.state.unsubscribed).toBe(1);
    const results = await take(stream, 10);
    expect(results.slice(0, 3)).toEqual([{ data: { n: 1 } }, { data: { n: 2 } }, { data: { n: 3 } }]);
    expect(results).toHaveLength(4);
    expect((results[3]!.errors![0] as { extensions: unknown }).extensions).toEqual({ code: 'SERVICE_UNAVAILABLE', retryable: true, reason: 'TOO_SLOW' });
    expect(await stream.next()).toEqual({ done: true, value: undefined });
  });

  it('ends with a retryable SUBGRAPH_UNAVAILABLE naming the subgraph when the connection is lost', async () => {
    const subgraph = fakeSubgraph();
    const stream = subgraphStream('deals', subgraph.subscribe, 10);
    subgraph.send(1);
    subgraph.state.sink!.error(new Event('close'));
    const results = await take(stream, 5);
    expect(results[0]).toEqual({ data: { n: 1 } });
    expect((results[1]!.errors![0] as { extensions: unknown }).extensions).toEqual({ code: 'SUBGRAPH_UNAVAILABLE', subgraph: 'deals', retryable: true, reason: 'UNREACHABLE' });
    expect(results).toHaveLength(2);
  });

  it("throws the subgraph's own errors after what came before them", async () => {
    const subgraph = fakeSubgraph();
    const stream = subgraphStream('deals', subgraph.subscribe, 10);
    subgraph.send(1);
    subgraph.state.sink!.error([{ message: 'CURSOR_EXPIRED' }]);
    expect(await stream.next()).toEqual({ done: false, value: { data: { n: 1 } } });
    await expect(stream.next()).rejects.toEqual([{ message: 'CURSOR_EXPIRED' }]);
    expect(await stream.next()).toEqual({ done: true, value: undefined });
  });

  it('lets the subgraph go at once when the reader leaves, and settles the read that was waiting', async () => {
    const subgraph = fakeSubgraph();
    const stream = subgraphStream('deals', subgraph.subscribe, 10);
    const waiting = stream.next();
    await stream.return?.();
    expect(subgraph.state.unsubscribed).toBe(1);
    expect(await waiting).toEqual({ done: true, value: undefined });
    subgraph.send(1);
    expect(await stream.next()).toEqual({ done: true, value: undefined });
  });

  it('ends when the subgraph completes', async () => {
    const subgraph = fakeSubgraph();
    const stream = subgraphStream('deals', subgraph.subscribe, 10);
    subgraph.send(1);
    subgraph.state.sink!.complete();
    expect(await take(stream, 5)).toEqual([{ data: { n: 1 } }]);
  });
});
