import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Claims } from '@hub/auth';
import { newId, type Database } from '@hub/db';
import { fixedClock } from '@hub/domain';
import { assignmentOn, inDecisionOrder } from '../domain';
import { TierAssignmentEntity, TierEntity } from '../entities';
import { countQueries, createTestDatabase, subgraphClient, type TestDatabase } from '@hub/testing';
import { seedDemoData } from '../seeds/seed';
import { createPartnersServer, openPartnersDatabase } from '../server';

const SECRET = 'integration-test-gateway-secret-0123456789';
const bi: Claims = { sub: 'bi-tool', role: 'bi' };

interface Node {
  id: string;
  tier: { code: string; name: string };
  program: { code: string; name: string };
  distributors: { id: string; name: string }[];
}

const FIELDS = 'id tier { code name } program { code name } distributors { id name }';
/** Every Partner field the partner table holds: a page reads only the columns asked for. */
const COLUMNS = 'name country status segmentFocus businessModels channelManager createdAt updatedAt';

/** A page of partners answers tier, program and distributors from what the list read at once, exactly as one partner's query does. */
describe.each(['mysql', 'sqlite'] as const)('the partner page on %s', (dialect) => {
  let testDb: TestDatabase | undefined;
  let database: Database;
  let call: ReturnType<typeof subgraphClient>;
  let close: () => Promise<void>;

  beforeAll(async () => {
    testDb = dialect === 'mysql' ? await createTestDatabase('partner_page') : undefined;
    database = await openPartnersDatabase(testDb ? { url: testDb.url } : { sqliteFile: ':memory:' });
    await seedDemoData(database, new Date('2026-06-15T08:00:00Z'));
    const server = await createPartnersServer({ database, gatewaySecret: SECRET, clock: fixedClock('2026-06-15T10:00:00Z') });
    const running = await server.listen(0);
    call = subgraphClient(running.url, SECRET);
    close = running.close;
  });

  afterAll(async () => {
    await close?.();
    await database?.dataSource.destroy();
    await testDb?.drop();
  });

  const page = async (query: string, claims = bi) => {
    const { data, errors } = await call<{ partners: { edges: { node: Node }[] } }>(claims, query);
    expect(errors).toBeUndefined();
    return data!.partners.edges.map((edge) => edge.node);
  };

  it('answers each partner of a page as its own query does, with fields asked directly or in fragments', async () => {
    const listed = await page(`{ partners(first: 50) { edges { node { ${FIELDS} ${COLUMNS} } } } }`);
    expect(listed.length).toBeGreaterThan(30);
    expect(listed.some((node) => node.distributors.length > 1)).toBe(true);
    for (const node of listed) {
      const { data } = await call<{ partner: Node }>(bi, `query ($id: ID!) { partner(id: $id) { ${FIELDS} ${COLUMNS} } }`, { id: node.id });
      expect(node).toEqual(data!.partner);
    }
    const viaFragments = await page(`{ partners(first: 50) { ...List } } fragment List on PartnerConnection { edges { node { id ... on Partner { ...Facts } } } }
      fragment Facts on Partner { tier { code name } program { code name } distributors { id name } ${COLUMNS} }`);
    expect(viaFragments).toEqual(listed);
    const fewer = await page(`{ partners(first: 50) { edges { node { id country ... on Partner { createdAt } } } } }`);
    expect(fewer).toEqual(listed.map((node) => ({ id: node.id, country: (node as unknown as { country: string }).country, createdAt: (node as unknown as { createdAt: string }).createdAt })));
  });

  it('lists the tier in force today as the tier history decides it: the latest date not after today, the later decision on one date', async () => {
    const staff: Claims = { sub: 'ops@vendor', role: 'vendor_admin' };
    const created = await call<{ createPartner: { id: string } }>(staff, `mutation { createPartner(input: { name: "Tie Break SARL", country: "FR", programCode: "FR-2023",
      segmentFocus: SMB, businessModels: [RESELLER] }) { id } }`);
    const partnerId = created.data!.createPartner.id;
    // Highest first: the partner joined on the lowest tier (today, decided first), which none of these is.
    const ladder = (await database.dataSource.manager.find(TierEntity, { where: { programCode: 'FR-2023' }, order: { rank: 'DESC' } })).map((tier) => tier.code);
    expect(ladder.length).toBeGreaterThanOrEqual(4);
    const [first, second, third] = [newId(), newId(), newId()];
    const assignment = (id: string, tierCode: string, effectiveFrom: string) => ({ id, partnerId, tierCode, effectiveFrom, reason: 'test', assignedBy: 'test', assignedAt: new Date() });
    // Written in the reverse of their decision order, so neither insertion nor row order can pick the winner.
    await database.dataSource.manager.insert(TierAssignmentEntity, [
      assignment(newId(), ladder[0]!, '2026-07-01'), // not yet in force
      assignment(third, ladder[2]!, '2026-06-15'), // decided last on today's date: in force
      assignment(second, ladder[1]!, '2026-06-15'),
      assignment(first, ladder[0]!, '2026-06-14'),
    ]);
    const history = await database.dataSource.manager.findBy(TierAssignmentEntity, { partnerId });
    const expected = assignmentOn(inDecisionOrder(history), '2026-06-15')!.tierCode;
    expect(expected).toBe(ladder[2]);
    const [listed, ...others] = await page(`{ partners(first: 5, filter: { nameContains: "Tie Break" }) { edges { node { ${FIELDS} } } } }`);
    expect(others).toEqual([]);
    expect(listed!.id).toBe(partnerId);
    expect(listed!.tier.code).toBe(expected);
    const { data } = await call<{ partner: Node }>(bi, `query ($id: ID!) { partner(id: $id) { ${FIELDS} } }`, { id: partnerId });
    expect(listed).toEqual(data!.partner);
  });

  it('costs as many SQL statements for 40 partners as for 5, the count only when totalCount is asked', async () => {
    await page(`{ partners(first: 1) { edges { node { ${FIELDS} } } } }`); // programs, tiers and distributors are read once per process
    const five = await countQueries(database.queries, () => page(`{ partners(first: 5) { edges { node { ${FIELDS} } } } }`));
    const forty = await countQueries(database.queries, () => page(`{ partners(first: 40) { edges { node { ${FIELDS} } } } }`));
    expect(forty.result).toHaveLength(40);
    expect(forty.count, forty.statements.join('\n')).toBe(five.count);
    // The page with each partner's tier code and, on SQLite, distributor ids; on MySQL the distributor links.
    const statements = dialect === 'sqlite' ? 1 : 2;
    expect(forty.count).toBe(statements);
    const counted = await countQueries(database.queries, () => call(bi, `{ partners(first: 40) { totalCount edges { node { ${FIELDS} } } } }`));
    expect(counted.count).toBe(statements + 1);
  });

  it('resolves programs, tiers and distributors as entities for other subgraphs, from the shared copy, twice alike', async () => {
    const [node] = await page(`{ partners(first: 1) { edges { node { ${FIELDS} } } } }`);
    const reps = [
      { __typename: 'Program', code: node!.program.code },
      { __typename: 'Tier', id: `${node!.program.code}:${node!.tier.code}` },
      { __typename: 'Distributor', id: node!.distributors[0]!.id },
    ];
    const query = `query ($reps: [_Any!]!) { _entities(representations: $reps) { __typename ... on Program { name } ... on Tier { name } ... on Distributor { name } } }`;
    for (let round = 0; round < 2; round += 1) {
      const { data, errors } = await call<{ _entities: { __typename: string; name: string }[] }>(bi, query, { reps });
      expect(errors).toBeUndefined();
      expect(data!._entities).toEqual([
        { __typename: 'Program', name: node!.program.name },
        { __typename: 'Tier', name: node!.tier.name },
        { __typename: 'Distributor', name: node!.distributors[0]!.name },
      ]);
    }
  });

  it("shows a distributor only its partners, each with its distributors", async () => {
    const all = await page(`{ partners(first: 50) { edges { node { ${FIELDS} } } } }`);
    const distributorId = all.flatMap((node) => node.distributors)[0]!.id;
    const distributor: Claims = { sub: 'api@distri', role: 'distributor', distributorId };
    const theirs = await page(`{ partners(first: 50) { edges { node { ${FIELDS} } } } }`, distributor);
    expect(theirs.length).toBeGreaterThan(0);
    expect(theirs).toEqual(all.filter((node) => node.distributors.some((d) => d.id === distributorId)));
  });
});
