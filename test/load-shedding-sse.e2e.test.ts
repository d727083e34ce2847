import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dealsSubgraph } from '@hub/deals';
import { partnersSubgraph } from '@hub/partners';
import { startHub, testEdgeConfig, type RunningHub } from './support/hub';
import { stallingExports } from './support/stalling-exports';

const MAX_IN_FLIGHT = 2;
const QUERY = '{ partners(first: 1) { edges { node { id } } } }';

/** Reads an SSE response's `next` events' data, to its end. */
async function sseResults(response: Response): Promise<{ errors?: { extensions?: Record<string, unknown> }[]; data?: unknown }[]> {
  const text = await response.text();
  return text
    .split('\n\n')
    .filter((frame) => frame.startsWith('event: next\n'))
    .map((frame) => JSON.parse(frame.slice(frame.indexOf('data: ') + 'data: '.length)) as never);
}

describe('load shedding and Accept: text/event-stream', () => {
  let hub: RunningHub;
  let proxy: Awaited<ReturnType<typeof stallingExports>> | undefined;

  beforeAll(async () => {
    hub = await startHub([partnersSubgraph, dealsSubgraph], {
      gateway: { edge: { ...testEdgeConfig(), maxInFlight: MAX_IN_FLIGHT } },
      subgraphUrl: async (name, url) => {
        if (name !== 'deals') return url;
        proxy = await stallingExports(url);
        return proxy.url;
      },
    });
  });
  afterAll(async () => {
    await hub?.close();
    await proxy?.close();
  });

  it('sheds a query asked for as server-sent events like any other query, and still lets a subscription stream in', async () => {
    // Exports held open at deals take every slot.
    const bi = await hub.token({ sub: 'bi', role: 'bi' });
    const abort = new AbortController();
    const held = Array.from({ length: MAX_IN_FLIGHT }, () =>
      fetch(`${hub.origin}/exports/deals?period=2026-Q1`, { headers: { authorization: `Bearer ${bi}` }, signal: abort.signal }).catch(() => undefined),
    );
    try {
      const deadline = Date.now() + 20_000;
      while (proxy!.held.length < MAX_IN_FLIGHT) {
        if (Date.now() > deadline) throw new Error('the exports never reached deals');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const admin = await hub.token({ sub: 'admin', role: 'vendor_admin' });
      const ask = (accept: string, query = QUERY) =>
        fetch(hub.url, { method: 'POST', headers: { 'content-type': 'application/json', accept, authorization: `Bearer ${admin}` }, body: JSON.stringify({ query }), signal: abort.signal });

      expect((await ask('application/graphql-response+json')).status).toBe(503);
      // The same query with an SSE Accept header used to skip the count and be served.
      const results = await sseResults(await ask('text/event-stream'));
      expect(results).toHaveLength(1);
      expect(results[0]!.data ?? null).toBeNull();
      expect(results[0]!.errors?.[0]?.extensions).toMatchObject({ code: 'SERVICE_UNAVAILABLE', reason: 'OVERLOADED' });

      // A subscription is a stream, not a request in flight: it is not shed.
      const subscription = await ask('text/event-stream', 'subscription { dealUpdated { id } }');
      expect(subscription.status).toBe(200);
      expect(subscription.headers.get('content-type')).toContain('text/event-stream');
      await subscription.body?.cancel();
    } finally {
      abort.abort();
      await Promise.all(held);
    }
  });
});
