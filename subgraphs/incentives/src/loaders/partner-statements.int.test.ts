import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Claims } from '@hub/auth';
import { newId, type Database } from '@hub/db';
import { fixedClock } from '@hub/domain';
import { InProcessBus } from '@hub/events';
import { countQueries, createTestDatabase, subgraphClient, type TestDatabase } from '@hub/testing';
import { StatementEntity } from '../entities';
import { createIncentivesServer, openIncentivesDatabase } from '../server';

const SECRET = 'integration-test-gateway-secret-0123456789';
const finance: Claims = { sub: 'finance@vendor', role: 'vendor_admin' };
const PARTNERS = Array.from({ length: 100 }, () => newId());
const PERIODS = ['2025-Q4', '2026-Q1', '2026-Q2'];

interface Listed {
  totalCount: number;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  edges: { node: { id: string; period: string } }[];
}

const NESTED = `query ($reps: [_Any!]!, $first: Int, $after: String) { _entities(representations: $reps) { ... on Partner {
  statements(first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { id period } } } } } }`;

/** Only the statement table's queries: background work (job sweeps) may run while a request is counted. */
const onStatements = (statements: readonly string[]) => statements.filter((sql) => /FROM [`"]statement[`"]/.test(sql));

/** Partner.statements for many partners, on both dialects. */
describe.each(['mysql', 'sqlite'] as const)('Partner.statements on %s', (dialect) => {
  let testDb: TestDatabase | undefined;
  let database: Database;
  let call: ReturnType<typeof subgraphClient>;
  let close: () => Promise<void>;

  const nested = async (claims: Claims, partnerIds: readonly string[], first = 2, after?: string) => {
    const { data, errors } = await call<{ _entities: { statements: Listed }[] }>(claims, NESTED, { reps: partnerIds.map((id) => ({ __typename: 'Partner', id })), first, after });
    expect(errors).toBeUndefined();
    return data!._entities.map((partner) => partner.statements);
  };

  beforeAll(async () => {
    testDb = dialect === 'mysql' ? await createTestDatabase('partner_statements') : undefined;
    database = await openIncentivesDatabase(testDb ? { url: testDb.url } : { sqliteFile: ':memory:' });
    const at = new Date('2026-07-01T10:00:00Z');
    const rows = PARTNERS.flatMap((payeeId) =>
      PERIODS.map((period) => ({
        id: newId(),
        payeeKind: 'PARTNER' as const,
        payeeId,
        period,
        currency: 'EUR',
        status: 'OPEN' as const,
        total: 100n,
        computedAt: at,
        approvedAt: null,
        approvedBy: null,
        paidAt: null,
        paymentReference: null,
      })),
    );
    await database.dataSource.manager.insert(StatementEntity, rows);
    const server = await createIncentivesServer({ database, bus: new InProcessBus(), gatewaySecret: SECRET, clock: fixedClock('2026-07-01T10:00:00Z') });
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

  it('costs as many SQL statements for 100 partners as for 10', async () => {
    const ten = await countQueries(database.queries, () => nested(finance, PARTNERS.slice(0, 10)));
    const hundred = await countQueries(database.queries, () => nested(finance, PARTNERS));
    expect(hundred.result.every((list) => list.totalCount === PERIODS.length && list.edges.length === 2 && list.pageInfo.hasNextPage)).toBe(true);
    expect(onStatements(hundred.statements), hundred.statements.join('\n')).toHaveLength(onStatements(ten.statements).length);
    expect(onStatements(hundred.statements)).toHaveLength(2);
  });

  it('pages each partner oldest first and continues after a cursor; a partner sees only its own', async () => {
    const [first] = await nested(finance, [PARTNERS[0]!]);
    expect(first!.edges.map((edge) => edge.node.period)).toEqual(PERIODS.slice(0, 2));
    const [rest] = await nested(finance, [PARTNERS[0]!], 2, first!.pageInfo.endCursor!);
    expect(rest).toMatchObject({ totalCount: PERIODS.length, pageInfo: { hasNextPage: false }, edges: [{ node: { period: PERIODS[2] } }] });
    const partner: Claims = { sub: 'user@p1', role: 'partner', partnerId: PARTNERS[1] };
    expect((await nested(partner, PARTNERS.slice(0, 2))).map((list) => list.totalCount)).toEqual([0, PERIODS.length]);
  });
});
