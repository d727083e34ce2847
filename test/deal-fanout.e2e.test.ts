import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { dealsSubgraph } from '@hub/deals';
import type { SubgraphModule } from '@hub/graphql-kit';
import { licensesSubgraph } from '@hub/licenses';
import { partnersSubgraph } from '@hub/partners';
import { subgraphClient } from '@hub/testing';
import { GATEWAY_SECRET, post, startHub, type RunningHub } from './support/hub';

/**
 * `dealUpdated { deal { partner { name } } }` is answered by deals alone (`@provides`): the
 * partners subgraph is not called per subscriber and event, and each subscriber still sees the
 * partner exactly as partners would show it to that caller.
 */

const SUBSCRIPTION = `subscription ($distributorId: ID) {
  dealUpdated(distributorId: $distributorId) { id kind deal { id status partner { id name } } }
}`;

interface DealUpdate {
  kind: string;
  deal: { id: string; status: string; partner: { id: string; name: string } | null };
}
type Result = { data?: { dealUpdated: DealUpdate } | null; errors?: { message: string; extensions?: { code?: string } }[] };

/** Every request body the partners subgraph receives, through a pass-through proxy in front of it. */
function countingPartners(bodies: string[]): SubgraphModule {
  return {
    ...partnersSubgraph,
    start: async (options) => {
      const partners = await partnersSubgraph.start(options);
      const target = new URL(partners.url);
      const proxy: Server = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (chunk: Buffer) => chunks.push(chunk));
        req.on('end', () => {
          const body = Buffer.concat(chunks);
          bodies.push(body.toString());
          const upstream = request({ host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers }, (response) => {
            res.writeHead(response.statusCode ?? 502, response.headers);
            response.pipe(res);
          });
          upstream.on('error', () => res.destroy());
          upstream.end(body);
        });
      });
      await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
      const { port } = proxy.address() as AddressInfo;
      return {
        ...partners,
        url: `http://127.0.0.1:${port}${target.pathname}`,
        close: async () => {
          proxy.closeAllConnections();
          await new Promise((resolve) => proxy.close(resolve));
          await partners.close();
        },
      };
    },
  };
}

async function until(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('dealUpdated with the partner joined, at fan-out', () => {
  const partnersBodies: string[] = [];
  let hub: RunningHub;
  let admin: string;
  let partner: { id: string; name: string; distributors: { id: string }[] };
  let referrer: { id: string; name: string };
  const clients: Client[] = [];

  const register = async (referringPartnerId?: string) => {
    const result = await post(
      hub.url,
      {
        query: `mutation ($i: RegisterDealInput!) { registerDeal(input: $i) { id } }`,
        variables: {
          i: {
            partnerId: partner.id,
            distributorId: partner.distributors[0]!.id,
            referringPartnerId,
            endCustomer: { name: `Fan-out customer ${Math.random()}`, country: 'FR' },
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

  /** `count` subscribers with one token, each on its own connection, collecting what they get. */
  const subscribe = async (token: string, count: number, variables: Record<string, unknown> = {}) => {
    const received: Result[][] = [];
    for (let i = 0; i < count; i += 1) {
      const client = createClient({ url: hub.url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, connectionParams: { Authorization: `Bearer ${token}` }, retryAttempts: 0 });
      clients.push(client);
      const items: Result[] = [];
      received.push(items);
      client.subscribe<{ dealUpdated: DealUpdate }>({ query: SUBSCRIPTION, variables }, { next: (r) => items.push(r as Result), error: () => undefined, complete: () => undefined });
    }
    // graphql-ws does not acknowledge a subscribe: give them time to reach deals.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    return received;
  };
  const of = (items: readonly Result[], dealId: string) => items.filter((r) => r.data?.dealUpdated.deal.id === dealId || JSON.stringify(r.errors ?? []).includes(dealId));

  beforeAll(async () => {
    // Licenses publishes the catalog deals checks lines against.
    hub = await startHub([countingPartners(partnersBodies), dealsSubgraph, licensesSubgraph]);
    admin = await hub.token({ sub: 'admin', role: 'vendor_admin' });
    const partners = await post(hub.url, { query: '{ partners(first: 20, filter: { programCode: "FR-2023" }) { edges { node { id name distributors { id } } } } }' }, admin);
    const nodes = (partners.json.data as { partners: { edges: { node: typeof partner }[] } }).partners.edges.map((e) => e.node);
    partner = nodes.find((p) => p.distributors.length > 0)!;
    referrer = nodes.find((p) => p.id !== partner.id)!;
    // Partner facts and the catalog reach deals through the event bus: wait until a registration is accepted.
    const started = Date.now();
    while (!(await register())) {
      if (Date.now() - started > 15_000) throw new Error('deals never learned about the demo partners and the catalog');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  });
  afterAll(async () => {
    await Promise.all(clients.map((client) => client.dispose()));
    await hub?.close();
  });

  it('serves the partner name to 30 subscribers with no request to partners', async () => {
    const distributorId = partner.distributors[0]!.id;
    const token = await hub.token({ sub: 'fanout', role: 'distributor', distributorId });
    const subscribers = await subscribe(token, 30, { distributorId });
    const before = partnersBodies.length;

    const id = (await register())!;
    const approved = await post(hub.url, { query: `mutation { approveDeal(id: "${id}") { status } }` }, admin);
    expect(approved.json.errors).toBeUndefined();
    await until(() => subscribers.every((items) => of(items, id).length === 2));

    for (const items of subscribers) {
      expect(of(items, id).map((r) => r.data?.dealUpdated)).toEqual([
        { id: expect.any(String), kind: 'SUBMITTED', deal: { id, status: 'SUBMITTED', partner: { id: partner.id, name: partner.name } } },
        { id: expect.any(String), kind: 'APPROVED', deal: { id, status: 'APPROVED', partner: { id: partner.id, name: partner.name } } },
      ]);
    }
    // The two mutations' own responses need nothing from partners either: 60 deliveries, 0 calls.
    expect(partnersBodies.slice(before)).toEqual([]);
  });

  it('answers the partner as partners would: a referring partner reads the deal but not the other partner', async () => {
    const token = await hub.token({ sub: 'referrer', role: 'partner', partnerId: referrer.id });
    const [items] = await subscribe(token, 1);
    const id = (await register(referrer.id))!;
    // The referrer reads only deals it referred: the first thing it receives is this one.
    await until(() => items!.length > 0);

    const viaPartners = await post(hub.url, { query: `{ partner(id: "${partner.id}") { name } }` }, token);
    const refusal = viaPartners.json.errors?.map((e) => [e.extensions?.code, e.message]);
    expect(refusal).toEqual([['FORBIDDEN', `You may not read partner ${partner.id}`]]);

    // The subscriber gets no data for the event and never the name. (The gateway masks the code of
    // errors that reach it over graphql-ws: it reads "Unexpected error." rather than FORBIDDEN.)
    const [event] = items!;
    expect(event!.data ?? null).toBeNull();
    expect(event!.errors).toHaveLength(1);
    expect(JSON.stringify(event)).not.toContain(partner.name);
    // The same deal read with a query, wherever the gateway sends Partner.name for it.
    const query = await post(hub.url, { query: `{ deal(id: "${id}") { id partner { name } } }` }, token);
    expect(query.json.errors?.map((e) => [e.extensions?.code, e.message])).toEqual(refusal);
  });

  it("answers a deal's partner name in a query as partners does", async () => {
    const id = (await register())!;
    const result = await post(hub.url, { query: `{ deal(id: "${id}") { partner { id name } } }` }, admin);
    expect(result.json).toEqual({ data: { deal: { partner: { id: partner.id, name: partner.name } } } });
    const distributor = await hub.token({ sub: 'fanout', role: 'distributor', distributorId: partner.distributors[0]!.id });
    const asDistributor = await post(hub.url, { query: `{ deal(id: "${id}") { partner { name } } }` }, distributor);
    expect(asDistributor.json).toEqual({ data: { deal: { partner: { name: partner.name } } } });
  });

  it("answers Partner.name on any deal asked of deals itself, from its copy, with partners' refusals", async () => {
    // Hive Gateway's JavaScript planner sends every deal's partner name to deals, not only dealUpdated's.
    const id = (await register(referrer.id))!;
    const deals = subgraphClient(hub.subgraphs.find((s) => s.name === 'deals')!.url, GATEWAY_SECRET, 'deals');
    const query = `{ deal(id: "${id}") { partner { name } } }`;
    expect((await deals({ sub: 'admin', role: 'vendor_admin' }, query)).data).toEqual({ deal: { partner: { name: partner.name } } });
    const asReferrer = await deals({ sub: 'referrer', role: 'partner', partnerId: referrer.id }, query);
    expect(asReferrer.errors?.map((e) => [e.extensions?.code, e.message])).toEqual([['FORBIDDEN', `You may not read partner ${partner.id}`]]);
  });

  it("follows a rename once deals has the partner's event (the name is deals' copy, kept by events)", async () => {
    const distributorId = partner.distributors[0]!.id;
    const token = await hub.token({ sub: 'rename', role: 'distributor', distributorId });
    const [items] = await subscribe(token, 1, { distributorId });
    const renamed = `${partner.name} (renamed)`;
    const update = await post(hub.url, { query: `mutation ($id: ID!, $name: String!) { updatePartner(id: $id, input: { name: $name }) { name } }`, variables: { id: partner.id, name: renamed } }, admin);
    expect(update.json.errors).toBeUndefined();

    // Events go out until one carries the new name: a moment after the rename, never a wrong name.
    const started = Date.now();
    let name: string | undefined;
    while (name !== renamed) {
      if (Date.now() - started > 5_000) throw new Error('the rename never reached live updates');
      const id = (await register())!;
      await until(() => of(items!, id).length > 0);
      name = of(items!, id)[0]!.data?.dealUpdated.deal.partner?.name;
      expect([partner.name, renamed]).toContain(name);
    }
  });
});
