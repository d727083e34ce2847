import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Claims } from '@hub/auth';
import { newId, type Database } from '@hub/db';
import { fixedClock } from '@hub/domain';
import { InProcessBus } from '@hub/events';
import { countQueries, createTestDatabase, subgraphClient, type TestDatabase } from '@hub/testing';
import { LicenseEntity, UsageStatementEntity } from '../entities';
import { createLicensesServer, openLicensesDatabase } from '../server';

const SECRET = 'integration-test-gateway-secret-0123456789';
const bi: Claims = { sub: 'bi-tool', role: 'bi' };
const PARTNERS = Array.from({ length: 100 }, () => newId());
const DISTRIBUTOR = newId();
const EACH = 3;
const MONTHS = ['2026-03', '2026-04', '2026-05'];

interface Listed {
  totalCount: number;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  edges: { node: { id: string } }[];
}

const PAGE = 'totalCount pageInfo { hasNextPage endCursor } edges { node { id } }';

/** Partner.licenses and Partner.usageStatements for many partners, on both dialects. */
describe.each(['mysql', 'sqlite'] as const)('partner lists of licenses on %s', (dialect) => {
  let testDb: TestDatabase | undefined;
  let database: Database;
  let call: ReturnType<typeof subgraphClient>;
  let close: () => Promise<void>;

  const nested = async (field: 'licenses' | 'usageStatements', claims: Claims, partnerIds: readonly string[], first = 2, after?: string) => {
    const query = `query ($reps: [_Any!]!, $first: Int, $after: String) { _entities(representations: $reps) { ... on Partner { list: ${field}(first: $first, after: $after) { ${PAGE} } } } }`;
    const { data, errors } = await call<{ _entities: { list: Listed }[] }>(claims, query, { reps: partnerIds.map((id) => ({ __typename: 'Partner', id })), first, after });
    expect(errors).toBeUndefined();
    return data!._entities.map((partner) => partner.list);
  };

  beforeAll(async () => {
    testDb = dialect === 'mysql' ? await createTestDatabase('partner_lists') : undefined;
    database = await openLicensesDatabase(testDb ? { url: testDb.url } : { sqliteFile: ':memory:' });
    const at = new Date('2026-06-15T10:00:00Z');
    const manager = database.dataSource.manager;
    await manager.insert(
      LicenseEntity,
      PARTNERS.flatMap((partnerId, p) =>
        Array.from({ length: EACH }, (_, n) => ({
          id: newId(),
          partnerId,
          distributorId: p % 2 === 0 ? DISTRIBUTOR : null,
          customerId: newId(),
          sku: 'WFBS-SVC',
          productLine: 'ENDPOINT',
          seats: 10,
          deployment: 'CLOUD' as const,
          status: n === 0 ? ('EXPIRED' as const) : ('ACTIVE' as const),
          programCode: 'FR-2023',
          currency: 'EUR',
          startsOn: '2026-01-01',
          endsOn: '2026-12-31',
          sourceDealId: null,
          sourceLine: null,
          revokedReason: null,
          createdAt: at,
          updatedAt: at,
        })),
      ),
    );
    await manager.insert(
      UsageStatementEntity,
      PARTNERS.flatMap((partnerId) =>
        MONTHS.map((month) => ({
          id: newId(),
          partnerId,
          distributorId: DISTRIBUTOR,
          programCode: 'FR-2023',
          month,
          currency: 'EUR',
          status: 'ISSUED' as const,
          reportId: newId(),
          total: 100n,
          ratedAt: at,
          issuedAt: at,
        })),
      ),
    );
    const server = await createLicensesServer({ database, bus: new InProcessBus(), gatewaySecret: SECRET, clock: fixedClock('2026-06-15T10:00:00Z') });
    const running = await server.start(0, '127.0.0.1');
    // Only the requests are counted: nothing else may touch the database meanwhile.
    await server.relay.stop();
    call = subgraphClient(running.url, SECRET);
    close = running.close;
  });

  afterAll(async () => {
    await close?.();
    await database?.dataSource.destroy();
    await testDb?.drop();
  });

  it.each(['licenses', 'usageStatements'] as const)('costs as many SQL statements for 100 partners as for 10 (%s)', async (field) => {
    const ten = await countQueries(database.queries, () => nested(field, bi, PARTNERS.slice(0, 10)));
    const hundred = await countQueries(database.queries, () => nested(field, bi, PARTNERS));
    expect(ten.result).toHaveLength(10);
    expect(hundred.result.every((list) => list.totalCount === EACH && list.edges.length === 2 && list.pageInfo.hasNextPage)).toBe(true);
    expect(hundred.count, hundred.statements.join('\n')).toBe(ten.count);
    expect(hundred.count).toBeLessThanOrEqual(2);
  });

  it.each([
    ['licenses', 'licenses(first: 2, filter: { partnerId: $p })'],
    ['usageStatements', 'usageStatements(first: 2, filter: { partnerId: $p })'],
  ] as const)('gives each partner the page its own list gives, and continues after a cursor (%s)', async (field, topLevel) => {
    const pages = await nested(field, bi, PARTNERS.slice(0, 2));
    for (const [index, page] of pages.entries()) {
      const { data } = await call<{ list: Listed }>(bi, `query ($p: ID) { list: ${topLevel} { ${PAGE} } }`, { p: PARTNERS[index] });
      expect(page).toEqual(data!.list);
    }
    const [rest] = await nested(field, bi, [PARTNERS[0]!], 2, pages[0]!.pageInfo.endCursor!);
    expect(rest).toMatchObject({ totalCount: EACH, pageInfo: { hasNextPage: false } });
    expect(rest!.edges).toHaveLength(1);
  });

  it("applies the licence filter and each caller's scope", async () => {
    const { data } = await call<{ _entities: { licenses: { totalCount: number } }[] }>(
      bi,
      'query ($reps: [_Any!]!) { _entities(representations: $reps) { ... on Partner { licenses(filter: { status: [ACTIVE] }) { totalCount } } } }',
      { reps: PARTNERS.slice(0, 2).map((id) => ({ __typename: 'Partner', id })) },
    );
    expect(data!._entities.map((partner) => partner.licenses.totalCount)).toEqual([EACH - 1, EACH - 1]);
    // A partner sees its own only; the distributor the licences it serves (even partners' here).
    const partner: Claims = { sub: 'user@p1', role: 'partner', partnerId: PARTNERS[1] };
    expect((await nested('licenses', partner, PARTNERS.slice(0, 2))).map((list) => list.totalCount)).toEqual([0, EACH]);
    const distributor: Claims = { sub: 'api@distri', role: 'distributor', distributorId: DISTRIBUTOR };
    expect((await nested('licenses', distributor, PARTNERS.slice(0, 2))).map((list) => list.totalCount)).toEqual([EACH, 0]);
  });
});
