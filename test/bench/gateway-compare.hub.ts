import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createJwtVerifier, mintToken } from '@hub/auth';
import { InProcessBus } from '@hub/events';
import { createGateway } from '@hub/gateway';
import { composeSupergraph, printSubgraphs } from '@hub/gateway/compose';
import { runDemoActivity } from '@hub/gateway/demo-activity';
import { loadEdgeConfig } from '@hub/gateway/edge-config';
import { closeOnSignal } from '@hub/gateway/shutdown';
import { subgraphs } from '@hub/gateway/subgraphs';
import type { StartedSubgraph } from '@hub/graphql-kit';
import { BENCH_GATEWAY_SECRET, BENCH_JWT_SECRET } from './secrets';

/**
 * The subgraphs for the gateway comparison, in their own process: all four on SQLite files in
 * BENCH_DATA_DIR (the embedded hub's storage), the demo seed and demo activity, then generated
 * partners (up to BENCH_PARTNERS) and deals (BENCH_DEALS, a share of them for the portal's
 * partner), written through a gateway of this process that is closed before the comparison.
 * Writes the supergraph next to the data and prints one JSON line (the subgraphs' URLs, the
 * supergraph file, the portal's partner id), then serves until SIGTERM.
 */
export interface CompareHub {
  subgraphUrls: Record<string, string>;
  supergraphPath: string;
  portalPartnerId: string;
  partners: number;
  deals: number;
}

const dataDir = process.env.BENCH_DATA_DIR;
if (!dataDir) throw new Error('BENCH_DATA_DIR is required');
const PARTNERS = Number(process.env.BENCH_PARTNERS ?? 200);
const DEALS = Number(process.env.BENCH_DEALS ?? 2_000);
const PORTAL_PARTNER = 'Bastion Sécurité';
const PORTAL_DEALS = 40;
const WRITERS = 6;

// Off the gateways' core (every thread of this process, and those it starts later).
if (process.env.BENCH_PIN_CORE) spawnSync('taskset', ['-a', '-cp', process.env.BENCH_PIN_CORE, String(process.pid)]);

const bus = new InProcessBus();
const started: StartedSubgraph[] = [];
for (const module of subgraphs) {
  started.push(
    await module.start({ bus, sqliteFile: join(dataDir, `${module.name}.sqlite`), gatewaySecret: BENCH_GATEWAY_SECRET, port: 0, host: '127.0.0.1', seedDemoData: true }),
  );
}
const subgraphUrls = Object.fromEntries(started.map((s) => [s.name, s.url]));
const supergraphSdl = composeSupergraph(await printSubgraphs(subgraphs, (m) => subgraphUrls[m.name] ?? ''));
const supergraphPath = join(dataDir, 'supergraph.graphql');
writeFileSync(supergraphPath, supergraphSdl);

const setup = createGateway({
  supergraphSdl,
  subgraphs: started.map((s) => ({ name: s.name, url: s.url, subscriptions: s.name === 'deals' })),
  verifyToken: createJwtVerifier({ secret: BENCH_JWT_SECRET }),
  gatewaySecret: BENCH_GATEWAY_SECRET,
  logging: 'error',
  edge: loadEdgeConfig({ RATE_LIMIT: '1000000/1s' }),
});
const setupUrl = await setup.listen(0);
const token = await mintToken({ sub: 'bench@vendor', role: 'vendor_admin' }, { secret: BENCH_JWT_SECRET, expiresIn: '1h' });
await runDemoActivity({ url: setupUrl, token, log: { log: () => undefined, warn: (message: string) => console.error(message) } });

async function gql<T>(query: string, variables?: Record<string, unknown>): Promise<T> {
  const response = await fetch(setupUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: T; errors?: { message: string }[] };
  if (body.errors?.length || !body.data) throw new Error(`bench data: ${body.errors?.[0]?.message ?? `HTTP ${response.status}`}`);
  return body.data;
}

/** Runs `work` for 0..count-1 with a few requests in flight (SQLite writes one at a time anyway). */
async function inParallel(count: number, work: (index: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: WRITERS }, async () => {
      while (next < count) await work(next++);
    }),
  );
}

interface PartnerNode {
  id: string;
  name: string;
  distributors: { id: string; countries: string[] }[];
}
const listPartners = async () =>
  (await gql<{ partners: { edges: { node: PartnerNode }[] } }>('{ partners(first: 500) { edges { node { id name distributors { id countries } } } } }')).partners.edges.map(
    (edge) => edge.node,
  );

const demo = await listPartners();
const portal = demo.find((p) => p.name === PORTAL_PARTNER);
if (!portal) throw new Error(`demo partner ${PORTAL_PARTNER} not found`);
const viaFr = portal.distributors.filter((d) => d.countries.includes('FR')).map((d) => d.id);
await inParallel(Math.max(PARTNERS - demo.length, 0), (i) =>
  gql('mutation ($input: CreatePartnerInput!) { createPartner(input: $input) { id } }', {
    input: { name: `Bench Partner ${String(i).padStart(3, '0')}`, country: 'FR', programCode: 'FR-2023', segmentFocus: 'SMB', businessModels: ['RESELLER'], distributorIds: viaFr },
  }),
);
const generated = (await listPartners()).filter((p) => p.name.startsWith('Bench Partner'));

const { sku } = await gql<{ sku: { productLine: string; termPrice: { amount: string } } }>('{ sku(code: "NETWORK-ADV-T") { productLine termPrice(currency: "EUR") { amount } } }');
const expectedCloseDate = new Date(Date.now() + 45 * 86_400_000).toISOString().slice(0, 10);
const dealOwner = (i: number) => (i < PORTAL_DEALS || generated.length === 0 ? portal : generated[i % generated.length]!);
// Deals learn of new partners (and of the catalog) through events: a write that finds its partner
// unknown, or the catalog still arriving, is retried.
await inParallel(DEALS, async (i) => {
  const input = {
    partnerId: dealOwner(i).id,
    endCustomer: { name: `Bench Customer ${i}`, country: 'FR' },
    type: 'NEW_CUSTOMER',
    productLine: sku.productLine,
    lines: [{ sku: 'NETWORK-ADV-T', seats: 10 + (i % 200), unitPrice: sku.termPrice.amount }],
    expectedCloseDate,
  };
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await gql('mutation ($input: RegisterDealInput!) { registerDeal(input: $input) { id } }', { input });
    } catch (error) {
      if (attempt >= 50 || !/unknown|not received the product catalog/i.test((error as Error).message)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
});
await setup.close();

const hub: CompareHub = { subgraphUrls, supergraphPath, portalPartnerId: portal.id, partners: demo.length + generated.length, deals: DEALS };
console.log(JSON.stringify(hub));

closeOnSignal(async () => {
  for (const subgraph of started.reverse()) await subgraph.close();
  await bus.close();
});
