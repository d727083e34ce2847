import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dealsSubgraph } from '@hub/deals';
import { MAX_EXPORTS_PER_CALLER } from '@hub/gateway/exports';
import { partnersSubgraph } from '@hub/partners';
import { post, startHub, testEdgeConfig, type RunningHub } from './support/hub';
import { stallingExports } from './support/stalling-exports';

const MAX_IN_FLIGHT = MAX_EXPORTS_PER_CALLER + 2;

describe('exports held open by one caller', () => {
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

  it('cannot take the slots every other caller shares: past its own few at once it is told to wait', async () => {
    const bi = await hub.token({ sub: 'greedy-bi', role: 'bi' });
    const abort = new AbortController();
    const refused: number[] = [];
    // As many exports as the gateway has slots, each of which the subgraph keeps open.
    const exports = Array.from({ length: MAX_IN_FLIGHT }, () =>
      fetch(`${hub.origin}/exports/deals?period=2026-Q1`, { headers: { authorization: `Bearer ${bi}` }, signal: abort.signal }).then(
        (response) => refused.push(response.status),
        () => undefined,
      ),
    );
    try {
      const deadline = Date.now() + 20_000;
      while (proxy!.held.length + refused.length < MAX_IN_FLIGHT) {
        if (Date.now() > deadline) throw new Error(`only ${proxy!.held.length} held and ${refused.length} answered`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(proxy!.held).toHaveLength(MAX_EXPORTS_PER_CALLER);
      expect(refused).toEqual(Array.from({ length: MAX_IN_FLIGHT - MAX_EXPORTS_PER_CALLER }, () => 429));

      // Everyone else still gets answers: another BI's export starts, a partner's query is served.
      const other = await hub.token({ sub: 'other-bi', role: 'bi' });
      void fetch(`${hub.origin}/exports/deals?period=2026-Q1`, { headers: { authorization: `Bearer ${other}` }, signal: abort.signal }).catch(() => undefined);
      while (proxy!.held.length < MAX_EXPORTS_PER_CALLER + 1) {
        if (Date.now() > deadline) throw new Error('the other caller\'s export never reached deals');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const partner = await hub.token({ sub: 'bystander', role: 'vendor_admin' });
      const answer = await post(hub.url, { query: '{ __typename }' }, partner);
      expect(answer.status).toBe(200);
    } finally {
      abort.abort();
      await Promise.all(exports);
    }

    // Its exports ended with its hang-ups: it may start as many again.
    const heldBefore = proxy!.held.length;
    const again = new AbortController();
    const statuses: number[] = [];
    const restarted = Array.from({ length: MAX_EXPORTS_PER_CALLER }, () =>
      fetch(`${hub.origin}/exports/deals?period=2026-Q1`, { headers: { authorization: `Bearer ${bi}` }, signal: again.signal }).then(
        (response) => statuses.push(response.status),
        () => undefined,
      ),
    );
    const deadline = Date.now() + 20_000;
    while (proxy!.held.length + statuses.length < heldBefore + MAX_EXPORTS_PER_CALLER) {
      if (Date.now() > deadline) throw new Error('the restarted exports were neither held nor answered');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    again.abort();
    await Promise.all(restarted);
    expect(statuses).toEqual([]);
  });
});
