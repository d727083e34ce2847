import { createJwtVerifier } from '@hub/auth';
import { dealsSubgraph } from '@hub/deals';
import { InProcessBus } from '@hub/events';
import { createGateway } from '@hub/gateway';
import { composeSupergraph, printSubgraphs } from '@hub/gateway/compose';
import { loadEdgeConfig } from '@hub/gateway/edge-config';
import { closeOnSignal } from '@hub/gateway/shutdown';
import type { StartedSubgraph } from '@hub/graphql-kit';
import { licensesSubgraph } from '@hub/licenses';
import { partnersSubgraph } from '@hub/partners';
import { BENCH_GATEWAY_SECRET, BENCH_JWT_SECRET } from './secrets';

/**
 * The hub for the deal benchmarks, in its own process so the load generator does not share its
 * event loop: partners, deals and licenses (whose catalog deals checks lines against; it also
 * issues the licences of won deals), each on its own MariaDB database, demo data, one in-process
 * bus between them, and a gateway that runs `dealUpdated` over graphql-ws to deals. Prints one
 * JSON line with the URLs, then serves until SIGTERM.
 */
export interface DealsHubUrls {
  gatewayUrl: string;
  dealsUrl: string;
}

// The load generator owns both databases (creates and drops them), so nothing is left behind
// however this process ends.
const partnersDatabaseUrl = process.env.BENCH_PARTNERS_DATABASE_URL;
const dealsDatabaseUrl = process.env.BENCH_DEALS_DATABASE_URL;
const licensesDatabaseUrl = process.env.BENCH_LICENSES_DATABASE_URL;
if (!partnersDatabaseUrl || !dealsDatabaseUrl || !licensesDatabaseUrl) {
  throw new Error('BENCH_PARTNERS_DATABASE_URL, BENCH_DEALS_DATABASE_URL and BENCH_LICENSES_DATABASE_URL are required');
}

const bus = new InProcessBus();
const modules = [
  { module: partnersSubgraph, databaseUrl: partnersDatabaseUrl },
  { module: dealsSubgraph, databaseUrl: dealsDatabaseUrl },
  { module: licensesSubgraph, databaseUrl: licensesDatabaseUrl },
];
const started: StartedSubgraph[] = [];
for (const { module, databaseUrl } of modules) {
  started.push(await module.start({ bus, databaseUrl, gatewaySecret: BENCH_GATEWAY_SECRET, port: 0, seedDemoData: true }));
}
const urlOf = (name: string) => started.find((s) => s.name === name)!.url;
const gateway = createGateway({
  supergraphSdl: composeSupergraph(await printSubgraphs(modules.map((m) => m.module), (m) => urlOf(m.name))),
  subgraphs: started.map((s) => ({ name: s.name, url: s.url, subscriptions: s.name === 'deals' })),
  verifyToken: createJwtVerifier({ secret: BENCH_JWT_SECRET }),
  gatewaySecret: BENCH_GATEWAY_SECRET,
  // One bench caller opens a thousand subscriptions and sends every request: far past the
  // per-caller rate limit (every subscribe counts), on purpose. The other limits stay.
  edge: loadEdgeConfig({ RATE_LIMIT: '1000000/1s' }),
  logging: 'error',
});
const gatewayUrl = await gateway.listen(0);

const urls: DealsHubUrls = { gatewayUrl, dealsUrl: urlOf('deals') };
console.log(JSON.stringify(urls));

closeOnSignal(async () => {
  await gateway.close();
  for (const subgraph of started.reverse()) await subgraph.close();
  await bus.close();
});
