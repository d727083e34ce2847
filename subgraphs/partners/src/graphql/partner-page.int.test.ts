import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Claims } from '@hub/auth';
import type { Database } from '@hub/db';
import { fixedClock } from '@hub/domain';
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
    const listed = await page(`{ partners(first: 50) { edges { node { ${FIELDS} } } } }`);
    expect(listed.length).toBeGreaterThan(30);
    expect(listed.some((node) => node.distributors.length > 1)).toBe(true);
    for (const node of listed) {
      const { data } = await call<{ partner: Node }>(bi, `query ($id: ID!) { partner(id: $id) { ${FIELDS} } }`, { id: node.id });
      expect(node).toEqual(data!.partner);
    }
    const viaFragments = await page(`{ partners(first: 50) { ...List } } fragment List on PartnerConnection { edges { node { id ... on Partner { ...Facts } } } }
      fragment Facts on Partner { tier { code name } program { code name } distributors { id name } }`);
    expect(viaFragments).toEqual(listed);
  });

  it('costs as many SQL statements for 40 partners as for 5, the count only when totalCount is asked', async () => {
    await page(`{ partners(first: 1) { edges { node { ${FIELDS} } } } }`); // programs, tiers and distributors are read once per process
    const five = await countQueries(database.queries, () => page(`{ partners(first: 5) { edges { node { ${FIELDS} } } } }`));
    const forty = await countQueries(database.queries, () => page(`{ partners(first: 40) { edges { node { ${FIELDS} } } } }`));
    expect(forty.result).toHaveLength(40);
    expect(forty.count, forty.statements.join('\n')).toBe(five.count);
    expect(forty.count).toBe(3); // the page, the tier histories, the distributor links
    const counted = await countQueries(database.queries, () => call(bi, `{ partners(first: 40) { totalCount edges { node { ${FIELDS} } } } }`));
    expect(counted.count).toBe(4);
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
