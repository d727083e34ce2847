import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Claims } from '@hub/auth';
import { dealsSubgraph } from '@hub/deals';
import { InProcessBus } from '@hub/events';
import type { StartedSubgraph } from '@hub/graphql-kit';
import { licensesSubgraph } from '@hub/licenses';
import { partnersSubgraph } from '@hub/partners';
import { subgraphClient, type GraphQLResponse } from '@hub/testing';

const SECRET = 'integration-test-gateway-secret-0123456789';
const admin: Claims = { sub: 'admin@vendor', role: 'vendor_admin' };
/** Far above the ~10 ms it takes when the relay wakes on commit, far below its 1 s poll. */
const BOUND_MS = 500;

/**
 * Embedded, as `pnpm start` runs: a partner created through the partners subgraph is known to
 * deals and licences as soon as its commit wakes the partners relay, not at the relay's next poll.
 */
describe('a new partner in the other subgraphs (embedded)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'hub-propagation-'));
  const bus = new InProcessBus();
  const started: StartedSubgraph[] = [];
  let partners: ReturnType<typeof subgraphClient>;
  let deals: ReturnType<typeof subgraphClient>;
  let licenses: ReturnType<typeof subgraphClient>;

  beforeAll(async () => {
    for (const subgraph of [partnersSubgraph, dealsSubgraph, licensesSubgraph]) {
      started.push(await subgraph.start({ bus, gatewaySecret: SECRET, port: 0, host: '127.0.0.1', seedDemoData: true, sqliteFile: join(dataDir, `${subgraph.name}.sqlite`) }));
    }
    [partners, deals, licenses] = started.map((subgraph) => subgraphClient(subgraph.url, SECRET)) as [typeof partners, typeof deals, typeof licenses];
    // Deals checks lines against licenses' catalog, which reaches it by events after start; what
    // is measured here is the partner's way, so wait for the catalog first (the report answers
    // SERVICE_UNAVAILABLE until it is there).
    for (const since = performance.now(); (await deals(admin, '{ dealsOutsideCatalog(first: 0) { totalCount } }')).errors; ) {
      if (performance.now() - since > 15_000) throw new Error('deals never received the catalog');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  });

  afterAll(async () => {
    for (const subgraph of started.reverse()) await subgraph.close();
    await bus.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** Retries `attempt` until the subgraph no longer refuses the partner as unknown; returns the answer and how long it took. */
  async function untilKnown<T>(attempt: () => Promise<GraphQLResponse<T>>, since: number): Promise<{ answer: GraphQLResponse<T>; ms: number }> {
    for (;;) {
      const answer = await attempt();
      const unknown = answer.errors?.some((error) => error.extensions?.field === 'partnerId' && String(error.message).includes('unknown partner'));
      if (!unknown) return { answer, ms: performance.now() - since };
      if (performance.now() - since > 5_000) throw new Error('the partner never became known');
    }
  }

  /** Creates a partner and measures, from the moment its creation answered, when deals and licences accept it. */
  async function createAndUse(name: string) {
    const created = await partners<{ createPartner: { id: string } }>(admin, 'mutation ($input: CreatePartnerInput!) { createPartner(input: $input) { id } }', {
      input: { name, country: 'FR', programCode: 'FR-2023', segmentFocus: 'SMB', businessModels: ['RESELLER'] },
    });
    expect(created.errors).toBeUndefined();
    const start = performance.now();
    const partnerId = created.data!.createPartner.id;
    const customer = { name: `Client of ${name}`, country: 'FR', domain: `${name.toLowerCase().replace(/\W+/g, '-')}.example` };
    const expectedCloseDate = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
    return Promise.all([
      untilKnown(
        () =>
          deals<{ registerDeal: { id: string } }>(admin, 'mutation ($input: RegisterDealInput!) { registerDeal(input: $input) { id } }', {
            input: { partnerId, endCustomer: customer, type: 'NEW_CUSTOMER', productLine: 'ENDPOINT', lines: [{ sku: 'ENDPOINT-STD-T', seats: 10, unitPrice: '19.99' }], expectedCloseDate },
          }),
        start,
      ),
      untilKnown(
        () =>
          licenses<{ issueLicense: { id: string } }>(admin, 'mutation ($input: IssueLicenseInput!) { issueLicense(input: $input) { id } }', {
            input: { partnerId, customer, sku: 'ENDPOINT-ADV-T', seats: 10 },
          }),
        start,
      ),
    ]);
  }

  it(`registers deals and issues licences for it within ${BOUND_MS} ms of its creation`, async () => {
    await createAndUse('Premier Partenaire'); // warm-up: the first request of each path compiles it
    const [deal, license] = await createAndUse('Nouveau Partenaire');
    console.log(`a new partner was usable in deals after ${deal.ms.toFixed(0)} ms and in licences after ${license.ms.toFixed(0)} ms (embedded)`);
    expect(deal.answer.errors).toBeUndefined();
    expect(license.answer.errors).toBeUndefined();
    expect(deal.ms).toBeLessThan(BOUND_MS);
    expect(license.ms).toBeLessThan(BOUND_MS);
  });
});
