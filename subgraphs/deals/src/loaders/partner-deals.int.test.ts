import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Claims } from '@hub/auth';
import { newId, type Database } from '@hub/db';
import { fixedClock } from '@hub/domain';
import { InProcessBus } from '@hub/events';
import { countQueries, createTestDatabase, subgraphClient, type TestDatabase } from '@hub/testing';
import { DealEntity } from '../entities/deal.entity';
import { createDealsServer, openDealsDatabase } from '../server';

const SECRET = 'integration-test-gateway-secret-0123456789';
const bi: Claims = { sub: 'bi-tool', role: 'bi' };
const PARTNERS = Array.from({ length: 100 }, () => newId());
const DEALS_EACH = 3;

interface Listed {
  totalCount: number;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  edges: { node: { id: string; partner: { id: string } } }[];
}

const PAGE = 'totalCount pageInfo { hasNextPage endCursor } edges { node { id partner { id } } }';
const NESTED = `query ($reps: [_Any!]!, $first: Int, $after: String) { _entities(representations: $reps) { ... on Partner { deals(first: $first, after: $after) { ${PAGE} } } } }`;

/** Partner.deals for many partners (what the gateway asks for under a list of partners) on both dialects. */
describe.each(['mysql', 'sqlite'] as const)('Partner.deals on %s', (dialect) => {
  let testDb: TestDatabase | undefined;
  let database: Database;
  let call: ReturnType<typeof subgraphClient>;
  let close: () => Promise<void>;

  const nested = async (claims: Claims, partnerIds: readonly string[], first = 2, after?: string) => {
    const reps = partnerIds.map((id) => ({ __typename: 'Partner', id }));
    const { data, errors } = await call<{ _entities: { deals: Listed }[] }>(claims, NESTED, { reps, first, after });
    expect(errors).toBeUndefined();
    return data!._entities.map((partner) => partner.deals);
  };

  beforeAll(async () => {
    testDb = dialect === 'mysql' ? await createTestDatabase('partner_deals') : undefined;
    database = await openDealsDatabase(testDb ? { url: testDb.url } : { sqliteFile: ':memory:' });
    const at = new Date('2026-06-15T10:00:00Z');
    await database.dataSource.manager.insert(
      DealEntity,
      PARTNERS.flatMap((partnerId, p) =>
        Array.from({ length: DEALS_EACH }, (_, d) => ({
          id: newId(),
          partnerId,
          distributorId: null,
          referringPartnerId: d === 0 ? PARTNERS[(p + 1) % PARTNERS.length]! : null,
          programCode: 'FR-2023',
          customerName: `Client ${p}-${d}`,
          customerKey: `client ${p}-${d}`,
          customerCountry: 'FR',
          customerDomain: null,
          type: 'NEW_CUSTOMER' as const,
          productLine: 'ENDPOINT',
          segment: 'SMB' as const,
          seats: 10,
          amount: 1000n,
          currency: 'EUR',
          status: d === 2 ? ('WON' as const) : ('SUBMITTED' as const),
          expectedCloseDate: '2026-08-01',
          registeredAt: at,
          approvedAt: null,
          expiresAt: null,
          closedAt: null,
          reason: null,
          conflictWithId: null,
          registeredBy: 'test',
          updatedAt: at,
        })),
      ),
    );
    const server = await createDealsServer({ database, bus: new InProcessBus(), gatewaySecret: SECRET, clock: fixedClock('2026-06-15T10:00:00Z') });
    const running = await server.start(0, '127.0.0.1');
    // Only the requests are counted: nothing else may touch the database meanwhile.
    await server.relay.stop();
    await server.dispatcher.stop();
    call = subgraphClient(running.url, SECRET);
    close = running.close;
  });

  afterAll(async () => {
    await close?.();
    await database?.dataSource.destroy();
    await testDb?.drop();
  });

  it('costs as many SQL statements for 100 partners as for 10', async () => {
    const ten = await countQueries(database.queries, () => nested(bi, PARTNERS.slice(0, 10)));
    const hundred = await countQueries(database.queries, () => nested(bi, PARTNERS));
    expect(ten.result).toHaveLength(10);
    expect(hundred.result).toHaveLength(100);
    expect(hundred.result.every((deals) => deals.totalCount === DEALS_EACH && deals.edges.length === 2 && deals.pageInfo.hasNextPage)).toBe(true);
    expect(hundred.count, hundred.statements.join('\n')).toBe(ten.count);
    expect(hundred.count).toBeLessThanOrEqual(2);
  });

  it("gives each partner the page, cursor and total of its own list, and continues after a cursor", async () => {
    const [first, second] = await nested(bi, PARTNERS.slice(0, 2));
    for (const [index, page] of [first!, second!].entries()) {
      const { data } = await call<{ deals: Listed }>(bi, `query ($p: ID) { deals(first: 2, filter: { partnerId: $p }) { ${PAGE} } }`, { p: PARTNERS[index] });
      expect(page).toEqual(data!.deals);
    }
    const [rest] = await nested(bi, [PARTNERS[0]!], 2, first!.pageInfo.endCursor!);
    expect(rest!.edges).toHaveLength(1);
    expect(rest!.pageInfo.hasNextPage).toBe(false);
    expect(rest!.totalCount).toBe(DEALS_EACH);
    const [none] = await nested(bi, [PARTNERS[0]!], 0);
    expect(none).toMatchObject({ totalCount: DEALS_EACH, edges: [], pageInfo: { hasNextPage: true } });
  });

  it('applies the filter and shows a partner only its own and referred deals', async () => {
    const { data } = await call<{ _entities: { deals: Listed }[] }>(
      bi,
      'query ($reps: [_Any!]!) { _entities(representations: $reps) { ... on Partner { deals(filter: { status: [WON] }) { totalCount } } } }',
      { reps: PARTNERS.slice(0, 3).map((id) => ({ __typename: 'Partner', id })) },
    );
    expect(data!._entities.map((partner) => partner.deals.totalCount)).toEqual([1, 1, 1]);
    // Partner 1 owns its three deals and referred one of partner 0's; partner 2's are not its to see.
    const partner: Claims = { sub: 'user@p1', role: 'partner', partnerId: PARTNERS[1] };
    const seen = await nested(partner, PARTNERS.slice(0, 3), 10);
    expect(seen.map((deals) => deals.totalCount)).toEqual([1, DEALS_EACH, 0]);
    expect(seen[0]!.edges[0]!.node.partner.id).toBe(PARTNERS[0]);
  });
});
