import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Claims } from '@hub/auth';
import { newId, type Database } from '@hub/db';
import { fixedClock } from '@hub/domain';
import { applyOnce, InProcessBus } from '@hub/events';
import { createTestDatabase, subgraphClient, type TestDatabase } from '@hub/testing';
import { createIncentivesServer, openIncentivesDatabase } from './server';
import { applyLedgerEvent, LEDGER_CONSUMER } from './services/ledger.consumer';
import { deal, event, partner, PROGRAMS } from './test/ledger-events';

const SECRET = 'integration-test-gateway-secret-0123456789';
const bi: Claims = { sub: 'bi-tool', role: 'bi' };
const PARTNER = newId();
/** The largest deal amount the hub accepts, 2^53 − 1 minor units, and 2 more: their sum, 2^53 + 1, is no double. */
const AMOUNTS = ['9007199254740991', '2'];
const SUM = '90071992547409.93';

/** Revenue summed in SQL stays exact past 2^53 minor units on both dialects (SQLite reads integers as doubles). */
describe.each(['mysql', 'sqlite'] as const)('revenue sums on %s', (dialect) => {
  let testDb: TestDatabase | undefined;
  let database: Database;
  let close: () => Promise<void>;
  let call: ReturnType<typeof subgraphClient>;

  beforeAll(async () => {
    testDb = dialect === 'mysql' ? await createTestDatabase('incentives_sums') : undefined;
    database = await openIncentivesDatabase(testDb ? { url: testDb.url } : { sqliteFile: ':memory:' });
    const server = await createIncentivesServer({ database, bus: new InProcessBus(), gatewaySecret: SECRET, clock: fixedClock('2026-10-05T10:00:00Z') });
    const facts = [
      ...PROGRAMS.map((program) => event('program.saved', program.code, program)),
      partner(PARTNER, 'FR-2023', 'EUR'),
      event('partner.tier_assigned', PARTNER, { partnerId: PARTNER, programCode: 'FR-2023', tierCode: 'ELITE', effectiveFrom: '2026-01-01' }),
      ...AMOUNTS.flatMap((amountMinor) => {
        const dealId = newId();
        return (['approved', 'won'] as const).map((kind) => deal(kind, { dealId, partnerId: PARTNER, programCode: 'FR-2023', currency: 'EUR', amountMinor, closedAt: '2026-08-01' }, '2026-08-01T09:00:00Z'));
      }),
    ];
    for (const fact of facts) await applyOnce(database, LEDGER_CONSUMER, fact, applyLedgerEvent, new Date());
    const running = await server.start(0, '127.0.0.1');
    await server.relay.stop();
    call = subgraphClient(running.url, SECRET);
    close = running.close;
  });

  afterAll(async () => {
    await close?.();
    await database?.dataSource.destroy();
    await testDb?.drop();
  });

  it("sums a partner's standing revenue to the minor unit", async () => {
    const query = 'query ($reps: [_Any!]!) { _entities(representations: $reps) { ... on Partner { standing(asOf: "2026-09-30") { newBusinessRevenue { amount } } } } }';
    const { data, errors } = await call<{ _entities: { standing: { newBusinessRevenue: { amount: string } } }[] }>(bi, query, { reps: [{ __typename: 'Partner', id: PARTNER }] });
    expect(errors).toBeUndefined();
    expect(data!._entities[0]!.standing.newBusinessRevenue.amount).toBe(SUM);
  });

  it("sums a partner's quarter revenue in partnerMetrics to the minor unit", async () => {
    const query = '{ partnerMetrics(period: "2026-Q3") { edges { node { newBusinessRevenue { amount } dealsWon } } } }';
    const { data, errors } = await call<{ partnerMetrics: { edges: { node: { newBusinessRevenue: { amount: string }; dealsWon: number } }[] } }>(bi, query);
    expect(errors).toBeUndefined();
    expect(data!.partnerMetrics.edges.map(({ node }) => node)).toEqual([{ newBusinessRevenue: { amount: SUM }, dealsWon: 2 }]);
  });
});
