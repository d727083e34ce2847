import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient as createWsClient } from 'graphql-ws';
import { createClient as createSseClient } from 'graphql-sse';
import WebSocket from 'ws';
import { dealsSubgraph } from '@hub/deals';
import { licensesSubgraph } from '@hub/licenses';
import { partnersSubgraph } from '@hub/partners';
import { DEFAULT_UPSTREAM_RESILIENCE } from '@hub/gateway/upstream-resilience';
import { post, startHub, testEdgeConfig, type RunningHub } from './support/hub';

const TIMEOUT_MS = 1_000;
const SUBSCRIPTION = 'subscription ($distributorId: ID) { dealUpdated(distributorId: $distributorId) { kind deal { id partner { name } } } }';

type Update = { data?: { dealUpdated: { kind: string; deal: { id: string; partner: { name: string } } } } | null };

function collect(iterator: AsyncIterableIterator<Update>) {
  const items: Update[] = [];
  const done = (async () => {
    for await (const item of iterator) items.push(item);
  })();
  return { items, stop: async () => { await iterator.return?.(); await done.catch(() => undefined); } };
}

describe('the subgraph timeout bounds queries and mutations, never a subscription', () => {
  let hub: RunningHub;
  let admin: string;
  let partner: { id: string; distributors: { id: string }[] };

  const register = async () => {
    const result = await post(
      hub.url,
      {
        query: 'mutation ($i: RegisterDealInput!) { registerDeal(input: $i) { id } }',
        variables: {
          i: {
            partnerId: partner.id,
            distributorId: partner.distributors[0]!.id,
            endCustomer: { name: `Customer ${Math.random()}`, country: 'FR' },
            type: 'NEW_CUSTOMER',
            productLine: 'NETWORK',
            lines: [{ sku: 'NETWORK-ADV-T', seats: 10, unitPrice: '1000.00' }],
            expectedCloseDate: '2099-12-31',
          },
        },
      },
      admin,
    );
    return (result.json.data as { registerDeal: { id: string } } | null)?.registerDeal.id;
  };

  beforeAll(async () => {
    hub = await startHub([partnersSubgraph, dealsSubgraph, licensesSubgraph], {
      gateway: { edge: { ...testEdgeConfig(), upstream: { ...DEFAULT_UPSTREAM_RESILIENCE, timeoutMs: TIMEOUT_MS } } },
    });
    admin = await hub.token({ sub: 'admin', role: 'vendor_admin' });
    const partners = await post(hub.url, { query: '{ partners(first: 1, filter: { programCode: "FR-2023", tierCode: "EXPERT" }) { edges { node { id distributors { id } } } } }' }, admin);
    partner = (partners.json.data as { partners: { edges: { node: typeof partner }[] } }).partners.edges[0]!.node;
    const started = Date.now();
    while (!(await register())) {
      if (Date.now() - started > 15_000) throw new Error('deals never learned about the demo partners and the catalog');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  });
  afterAll(() => hub?.close());

  it('delivers an event to graphql-ws and SSE subscribers open for three times the timeout', async () => {
    const distributorId = partner.distributors[0]!.id;
    const token = await hub.token({ sub: 'integration', role: 'distributor', distributorId });
    const ws = createWsClient({ url: hub.url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, connectionParams: { Authorization: `Bearer ${token}` }, retryAttempts: 0 });
    const sse = createSseClient({ url: hub.url, headers: { authorization: `Bearer ${token}` }, retryAttempts: 0 });
    const viaWs = collect(ws.iterate({ query: SUBSCRIPTION, variables: { distributorId } }) as AsyncIterableIterator<Update>);
    const viaSse = collect(sse.iterate({ query: SUBSCRIPTION, variables: { distributorId } }) as AsyncIterableIterator<Update>);
    try {
      await new Promise((resolve) => setTimeout(resolve, 3 * TIMEOUT_MS));
      const id = await register();
      expect(id).toEqual(expect.any(String));
      const seen = (items: Update[]) => items.some((item) => item.data?.dealUpdated.deal.id === id);
      const deadline = Date.now() + 10_000;
      while (!(seen(viaWs.items) && seen(viaSse.items)) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(seen(viaWs.items)).toBe(true);
      expect(seen(viaSse.items)).toBe(true);
      expect([...viaWs.items, ...viaSse.items].flatMap((item) => (item as { errors?: unknown[] }).errors ?? [])).toEqual([]);
    } finally {
      await viaWs.stop();
      await viaSse.stop();
      await ws.dispose();
      sse.dispose();
    }
  });
});
