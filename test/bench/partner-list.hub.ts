import { createJwtVerifier } from '@hub/auth';
import { createGateway } from '@hub/gateway';
import { composeSupergraph, printSubgraphs } from '@hub/gateway/compose';
import { closeOnSignal } from '@hub/gateway/shutdown';
import { InProcessBus } from '@hub/events';
import { partnersSubgraph } from '@hub/partners';
import { subgraphClient } from '@hub/testing';
import { BENCH_GATEWAY_SECRET, BENCH_JWT_SECRET } from './secrets';

/**
 * The hub under load, in its own process so the load generator does not share its event loop:
 * the partners subgraph on the MariaDB database it is given with demo data plus extra partners, and a
 * gateway in front. Prints one JSON line with both URLs, then serves until SIGTERM.
 */
const EXTRA_PARTNERS = 120;
const admin = { sub: 'bench@vendor', role: 'vendor_admin' } as const;

// The load generator owns the database (creates and drops it), so nothing is left behind
// however this process ends.
const databaseUrl = process.env.BENCH_DATABASE_URL;
if (!databaseUrl) throw new Error('BENCH_DATABASE_URL is required');
const bus = new InProcessBus();
const partners = await partnersSubgraph.start({ bus, databaseUrl, gatewaySecret: BENCH_GATEWAY_SECRET, port: 0, seedDemoData: true });
const gateway = createGateway({
  supergraphSdl: composeSupergraph(await printSubgraphs([partnersSubgraph], () => partners.url)),
  subgraphs: [{ name: 'partners', url: partners.url }],
  verifyToken: createJwtVerifier({ secret: BENCH_JWT_SECRET }),
  gatewaySecret: BENCH_GATEWAY_SECRET,
  logging: 'error',
});
const gatewayUrl = await gateway.listen(0);

const call = subgraphClient(partners.url, BENCH_GATEWAY_SECRET);
const distributors = await call<{ distributors: { id: string; countries: string[] }[] }>(admin, '{ distributors { id countries } }');
const viaFr = distributors.data!.distributors.filter((d) => d.countries.includes('FR')).map((d) => d.id);
for (let i = 0; i < EXTRA_PARTNERS; i += 1) {
  const created = await call<{ createPartner: { id: string } }>(admin, `mutation ($input: CreatePartnerInput!) { createPartner(input: $input) { id } }`, {
    input: { name: `Bench Partner ${String(i).padStart(3, '0')}`, country: 'FR', programCode: 'FR-2023', segmentFocus: 'SMB', businessModels: ['RESELLER'], distributorIds: viaFr },
  });
  for (let p = 0; p < 3; p += 1) {
    await call(admin, `mutation ($id: ID!, $input: PersonInput!) { addPerson(partnerId: $id, input: $input) { id } }`, {
      id: created.data!.createPartner.id,
      input: { name: `Person ${p}`, email: `p${p}@bench${i}.example` },
    });
  }
}

console.log(JSON.stringify({ gatewayUrl, subgraphUrl: partners.url }));

closeOnSignal(async () => {
  await gateway.close();
  await partners.close();
  await bus.close();
});
