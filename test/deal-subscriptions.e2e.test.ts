import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient as createWsClient } from 'graphql-ws';
import { createClient as createSseClient } from 'graphql-sse';
import WebSocket from 'ws';
import { dealsSubgraph } from '@hub/deals';
import { licensesSubgraph } from '@hub/licenses';
import { partnersSubgraph } from '@hub/partners';
import { post, startHub, type RunningHub } from './support/hub';

const SUBSCRIPTION = `subscription ($partnerId: ID, $distributorId: ID) {
  dealUpdated(partnerId: $partnerId, distributorId: $distributorId) {
    id kind at deal { id status amount { amount currency } partner { name tier { code } } distributor { name } }
  }
}`;

interface DealUpdate {
  id: string;
  kind: string;
  deal: { id: string; status: string; amount: { amount: string; currency: string }; partner: { name: string; tier: { code: string } }; distributor: { name: string } | null };
}

/** Collects results from an async iterator in the background until told to stop. */
function collect<T>(iterator: AsyncIterableIterator<T>) {
  const items: T[] = [];
  const done = (async () => {
    for await (const item of iterator) items.push(item);
  })();
  return { items, stop: async () => { await iterator.return?.(); await done.catch(() => undefined); } };
}

async function until(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('live deal updates through the gateway', () => {
  let hub: RunningHub;
  let admin: string;
  let partner: { id: string; name: string; tier: { code: string }; distributors: { id: string; name: string }[] };
  let otherDistributorId: string;

  const register = async () => {
    const result = await post(
      hub.url,
      {
        query: `mutation ($i: RegisterDealInput!) { registerDeal(input: $i) { id } }`,
        variables: {
          i: {
            partnerId: partner.id,
            distributorId: partner.distributors[0]!.id,
            endCustomer: { name: `Customer ${Math.random()}`, country: 'FR' },
            type: 'NEW_CUSTOMER',
            productLine: 'NETWORK',
            lines: [{ sku: 'NETWORK-ADV-T', seats: 40, unitPrice: '1000.00' }],
            expectedCloseDate: '2099-12-31',
          },
        },
      },
      admin,
    );
    return (result.json.data as { registerDeal: { id: string } } | null)?.registerDeal.id;
  };

  beforeAll(async () => {
    // Licenses publishes the catalog deals checks lines against.
    hub = await startHub([partnersSubgraph, dealsSubgraph, licensesSubgraph]);
    admin = await hub.token({ sub: 'admin', role: 'vendor_admin' });
    const partners = await post(
      hub.url,
      { query: '{ partners(first: 1, filter: { programCode: "FR-2023", tierCode: "EXPERT" }) { edges { node { id name tier { code } distributors { id name } } } } }' },
      admin,
    );
    partner = (partners.json.data as { partners: { edges: { node: typeof partner }[] } }).partners.edges[0]!.node;
    const distributors = await post(hub.url, { query: '{ distributors { id } }' }, admin);
    otherDistributorId = (distributors.json.data as { distributors: { id: string }[] }).distributors.map((d) => d.id).find((id) => !partner.distributors.some((d) => d.id === id))!;
    // Partner facts and the catalog reach deals through the event bus: wait until a registration is accepted.
    const started = Date.now();
    while (!(await register())) {
      if (Date.now() - started > 15_000) throw new Error('deals never learned about the demo partners and the catalog');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  });
  afterAll(() => hub?.close());

  it('delivers the joined event to a graphql-ws and an SSE subscriber after markDealWon', async () => {
    const token = await hub.token({ sub: 'integration', role: 'distributor', distributorId: partner.distributors[0]!.id });
    const ws = createWsClient({ url: hub.url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, connectionParams: { Authorization: `Bearer ${token}` }, retryAttempts: 0 });
    const sse = createSseClient({ url: hub.url, headers: { authorization: `Bearer ${token}` }, retryAttempts: 0 });
    const viaWs = collect(ws.iterate<{ dealUpdated: DealUpdate }>({ query: SUBSCRIPTION, variables: { distributorId: partner.distributors[0]!.id } }));
    const viaSse = collect(sse.iterate<{ dealUpdated: DealUpdate }>({ query: SUBSCRIPTION, variables: { distributorId: partner.distributors[0]!.id } }));
    try {
      // Give both subscriptions time to reach the subgraph before the change happens.
      await new Promise((resolve) => setTimeout(resolve, 700));
      const id = await register();
      await post(hub.url, { query: `mutation { approveDeal(id: "${id}") { status } }` }, admin);
      const today = new Date().toISOString().slice(0, 10);
      const won = await post(hub.url, { query: `mutation { markDealWon(id: "${id}", closedAt: "${today}") { status } }` }, admin);
      expect(won.json.errors).toBeUndefined();

      const wonEvent = (items: { data?: { dealUpdated: DealUpdate } | null }[]) => items.find((r) => r.data?.dealUpdated.deal.id === id && r.data?.dealUpdated.kind === 'WON');
      await until(() => Boolean(wonEvent(viaWs.items) && wonEvent(viaSse.items)));
      for (const items of [viaWs.items, viaSse.items]) {
        const event = wonEvent(items)!.data!.dealUpdated;
        expect(event.deal).toEqual({
          id,
          status: 'WON',
          amount: { amount: '40000.00', currency: 'EUR' },
          partner: { name: partner.name, tier: { code: 'EXPERT' } },
          distributor: { name: partner.distributors[0]!.name },
        });
        expect(items.filter((r) => r.data?.dealUpdated.deal.id === id).map((r) => r.data?.dealUpdated.kind)).toEqual(['SUBMITTED', 'APPROVED', 'WON']);
      }
    } finally {
      await viaWs.stop();
      await viaSse.stop();
      await ws.dispose();
      sse.dispose();
    }
  });

  it('refuses a subscription sent to the subgraph without the gateway signature', async () => {
    const deals = hub.subgraphs.find((s) => s.name === 'deals')!;
    const direct = createWsClient({ url: deals.url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, retryAttempts: 0 });
    try {
      const results: unknown[] = [];
      const error = await (async () => {
        try {
          for await (const result of direct.iterate({ query: SUBSCRIPTION })) results.push(result);
        } catch (caught) {
          return caught;
        }
      })();
      const errors = (error ?? results[0]) as { extensions?: { code?: string } }[] | { errors?: { extensions?: { code?: string } }[] };
      const first = Array.isArray(errors) ? errors[0] : errors.errors?.[0];
      expect(first?.extensions?.code).toBe('UNAUTHENTICATED');
    } finally {
      await direct.dispose();
    }
  });

  /** The dealUpdated subscribers deals serves now (its /metrics). */
  const liveAtDeals = async () => {
    const deals = hub.subgraphs.find((s) => s.name === 'deals')!;
    const text = await (await fetch(new URL('/metrics', deals.url))).text();
    return Number(/^hub_live_subscribers(?:\{[^}]*\})? (\d+)$/m.exec(text)?.[1]);
  };
  const waitFor = async (what: string, check: () => Promise<boolean>) => {
    const started = Date.now();
    while (!(await check())) {
      if (Date.now() - started > 10_000) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };

  it('lets go of subscribers that leave (graphql-ws and SSE) at once, not at the next deal event', async () => {
    // The earlier tests' subscribers have left: deals serves none (this also checks they were let go).
    await waitFor('the earlier tests\' subscribers to be let go', async () => (await liveAtDeals()) === 0);
    // A distributor with no deal changes coming: nothing would wake a subscription that waits.
    const token = await hub.token({ sub: 'quiet', role: 'distributor', distributorId: otherDistributorId });
    const ws = createWsClient({ url: hub.url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, connectionParams: { Authorization: `Bearer ${token}` }, retryAttempts: 0 });
    const sse = createSseClient({ url: hub.url, headers: { authorization: `Bearer ${token}` }, retryAttempts: 0 });
    const viaWs = collect(ws.iterate<{ dealUpdated: DealUpdate }>({ query: SUBSCRIPTION, variables: { distributorId: otherDistributorId } }));
    const viaSse = collect(sse.iterate<{ dealUpdated: DealUpdate }>({ query: SUBSCRIPTION, variables: { distributorId: otherDistributorId } }));
    try {
      await waitFor('both subscriptions to reach deals', async () => (await liveAtDeals()) === 2);
      await viaWs.stop();
      await viaSse.stop();
      await waitFor('deals to let both go', async () => (await liveAtDeals()) === 0);
    } finally {
      await viaWs.stop();
      await viaSse.stop();
      await ws.dispose();
      sse.dispose();
    }
  });

  it('refuses a caller its 101st open subscription with RATE_LIMITED, and takes one again once another closes', async () => {
    const token = await hub.token({ sub: 'greedy', role: 'distributor', distributorId: otherDistributorId });
    const ws = createWsClient({ url: hub.url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, connectionParams: { Authorization: `Bearer ${token}` }, retryAttempts: 0 });
    const first = async (iterator: AsyncIterableIterator<unknown>) => {
      try {
        const next = await iterator.next();
        return next.done ? undefined : next.value;
      } catch (errors) {
        return { errors };
      }
    };
    const codeOf = (result: unknown) => ((result as { errors?: { extensions?: { code?: string } }[] } | undefined)?.errors?.[0]?.extensions?.code);
    const open: ReturnType<typeof collect<unknown>>[] = [];
    try {
      for (let i = 0; i < 100; i += 1) open.push(collect(ws.iterate({ query: SUBSCRIPTION, variables: { distributorId: otherDistributorId } })));
      await waitFor('the 100 subscriptions to reach deals', async () => (await liveAtDeals()) === 100);
      const refused = await first(ws.iterate({ query: SUBSCRIPTION, variables: { distributorId: otherDistributorId } }));
      expect(codeOf(refused)).toBe('RATE_LIMITED');
      // Another caller is not counted against this one.
      const otherCaller = createWsClient({ url: hub.url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, connectionParams: { Authorization: `Bearer ${admin}` }, retryAttempts: 0 });
      const staff = collect(otherCaller.iterate({ query: SUBSCRIPTION }));
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(staff.items.flatMap((r) => (r as { errors?: unknown[] }).errors ?? [])).toEqual([]);
      await staff.stop();
      await otherCaller.dispose();
      // One closes: a new one is taken.
      await open.pop()!.stop();
      const again = collect(ws.iterate({ query: SUBSCRIPTION, variables: { distributorId: otherDistributorId } }));
      open.push(again);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(again.items.flatMap((r) => (r as { errors?: unknown[] }).errors ?? [])).toEqual([]);
    } finally {
      for (const subscription of open) await subscription.stop();
      await ws.dispose();
    }
  });

  it("does not deliver another distributor's deals", async () => {
    const token = await hub.token({ sub: 'other', role: 'distributor', distributorId: otherDistributorId });
    const ws = createWsClient({ url: hub.url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, connectionParams: { Authorization: `Bearer ${token}` }, retryAttempts: 0 });
    const staff = createWsClient({ url: hub.url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, connectionParams: { Authorization: `Bearer ${admin}` }, retryAttempts: 0 });
    const other = collect(ws.iterate<{ dealUpdated: DealUpdate }>({ query: SUBSCRIPTION }));
    const everything = collect(staff.iterate<{ dealUpdated: DealUpdate }>({ query: SUBSCRIPTION }));
    try {
      await new Promise((resolve) => setTimeout(resolve, 700));
      const id = await register();
      // The staff subscriber proves the event went out; the other distributor must not see it.
      await until(() => everything.items.some((r) => r.data?.dealUpdated.deal.id === id));
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(other.items.filter((r) => r.data?.dealUpdated.deal.id === id)).toEqual([]);
      expect(other.items.flatMap((r) => (r as { errors?: unknown[] }).errors ?? [])).toEqual([]);
    } finally {
      await other.stop();
      await everything.stop();
      await ws.dispose();
      await staff.dispose();
    }
  });
});
