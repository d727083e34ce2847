import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Claims } from '@hub/auth';
import { newId, type Database } from '@hub/db';
import { fixedClock } from '@hub/domain';
import { applyOnce, InProcessBus, type DomainEvent } from '@hub/events';
import { countQueries, createTestDatabase, subgraphClient, type TestDatabase } from '@hub/testing';
import { createIncentivesServer, openIncentivesDatabase } from './server';
import { applyLedgerEvent, LEDGER_CONSUMER } from './services/ledger.consumer';
import { deal, event, partner, PROGRAMS } from './test/ledger-events';

const SECRET = 'integration-test-gateway-secret-0123456789';
const bi: Claims = { sub: 'bi-tool', role: 'bi' };
const admin: Claims = { sub: 'admin@vendor', role: 'vendor_admin' };

const PARTNERS = Array.from({ length: 100 }, () => newId());
const DEALS = PARTNERS.map(() => newId());

const ENTITIES = `query ($reps: [_Any!]!) {
  _entities(representations: $reps) {
    ... on Deal { id priceQuote { listAmount { amount } discounts { rule rate amount { amount } } netAmount { amount } } payoutLines { rule amount { amount } explanation } }
    ... on Partner { id standing { newBusinessRevenue { amount } certifiedStaff qualifiedTier { id } gapRevenue { amount } } statements { totalCount edges { node { total { amount } lines { rule amount { amount } } } } } }
  }
}`;

/** The GraphQL layer reads the ledger through DataLoaders: 100 deals or partners cost what 10 do. */
describe.each([{ dialect: 'mysql' as const }, { dialect: 'sqlite' as const }])('incentives GraphQL on $dialect', ({ dialect }) => {
  let testDb: TestDatabase | undefined;
  let database: Database;
  let close: () => Promise<void>;
  let call: ReturnType<typeof subgraphClient>;

  beforeAll(async () => {
    testDb = dialect === 'mysql' ? await createTestDatabase('incentives_graphql') : undefined;
    database = await openIncentivesDatabase(testDb ? { url: testDb.url } : { sqliteFile: ':memory:' });
    const server = await createIncentivesServer({ database, bus: new InProcessBus(), gatewaySecret: SECRET, clock: fixedClock('2026-10-05T10:00:00Z') });
    const events: DomainEvent[] = [...PROGRAMS.map((program) => event('program.saved', program.code, program))];
    PARTNERS.forEach((partnerId, i) => {
      events.push(partner(partnerId, 'FR-2023', 'EUR'));
      events.push(event('partner.tier_assigned', partnerId, { partnerId, programCode: 'FR-2023', tierCode: i % 2 ? 'EXPERT' : 'SKILL', effectiveFrom: '2026-01-01' }));
      const facts = { dealId: DEALS[i]!, partnerId, programCode: 'FR-2023', currency: 'EUR', amountMinor: String(1_000_000 + i), closedAt: '2026-08-01' };
      events.push(deal('approved', facts, '2026-07-01T09:00:00Z'), deal('won', facts, '2026-08-01T09:00:00Z'));
    });
    for (const e of events) await applyOnce(database, LEDGER_CONSUMER, e, applyLedgerEvent, new Date());
    await server.statements.compute('2026-Q3');
    const running = await server.start(0, '127.0.0.1');
    // Only the requests are counted: the relay polls the same database.
    await server.relay.stop();
    call = subgraphClient(running.url, SECRET);
    close = running.close;
  });

  afterAll(async () => {
    await close?.();
    await database?.dataSource.destroy();
    await testDb?.drop();
  });

  const representations = (n: number) => [
    ...DEALS.slice(0, n).map((id) => ({ __typename: 'Deal', id })),
    ...PARTNERS.slice(0, n).map((id) => ({ __typename: 'Partner', id })),
  ];

  it('prices, pays and ranks 100 deals and partners in as many SQL statements as 10', async () => {
    type Entities = { _entities: { priceQuote?: { netAmount: { amount: string } }; payoutLines?: unknown[]; statements?: { totalCount: number } }[] };
    const ten = await countQueries(database.queries, () => call<Entities>(bi, ENTITIES, { reps: representations(10) }));
    const hundred = await countQueries(database.queries, () => call<Entities>(bi, ENTITIES, { reps: representations(100) }));
    expect(ten.result.errors).toBeUndefined();
    expect(hundred.result.errors).toBeUndefined();
    const deals = hundred.result.data!._entities.filter((entity) => entity.priceQuote);
    expect(deals).toHaveLength(100);
    expect(deals.every((entity) => entity.payoutLines!.length === 1)).toBe(true);
    expect(hundred.result.data!._entities.filter((entity) => entity.statements?.totalCount === 1)).toHaveLength(100);
    expect(hundred.count, hundred.statements.join('\n')).toBe(ten.count);
  });

  it('lists statements with their lines in as many SQL statements for 100 as for 10', async () => {
    const query = `query ($n: Int!) { statements(filter: { period: "2026-Q3" }, first: $n) { edges { node { id payee { ... on Partner { id } } total { amount } lines { rule base { amount } rate amount { amount } explanation } } } } }`;
    const ten = await countQueries(database.queries, () => call(admin, query, { n: 10 }));
    const hundred = await countQueries(database.queries, () => call(admin, query, { n: 100 }));
    expect(hundred.result.errors).toBeUndefined();
    expect(hundred.count, hundred.statements.join('\n')).toBe(ten.count);
  });
});
