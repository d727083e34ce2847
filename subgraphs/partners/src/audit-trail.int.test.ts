import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Claims } from '@hub/auth';
import { AuditEventEntity, newId, type Database } from '@hub/db';
import { fixedClock } from '@hub/domain';
import { AUDIT_RECORDED, auditCopies, type EventPayload } from '@hub/contracts';
import { applyOnce, OutboxEntity, type DomainEvent } from '@hub/events';
import { createTestDatabase, subgraphClient, type TestDatabase } from '@hub/testing';
import { seedDemoData } from './seeds/seed';
import { createPartnersServer, openPartnersDatabase } from './server';

const SECRET = 'integration-test-gateway-secret-0123456789';
const admin: Claims = { sub: 'admin@vendor', role: 'vendor_admin' };
const manager: Claims = { sub: 'cm@vendor', role: 'channel_manager' };

const CREATE = `mutation CreateNordlicht($input: CreatePartnerInput!) { createPartner(input: $input) { id } }`;
const LIST = `query ($filter: AuditEventFilter, $first: Int, $after: String) {
  auditEvents(filter: $filter, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { id actor role operation rootField targetIds at requestId subgraph } }
  }
}`;

interface AuditNode {
  id: string;
  actor: string;
  role: string;
  operation: string;
  rootField: string;
  targetIds: string[];
  at: string;
  requestId: string;
  subgraph: string;
}
interface AuditList {
  auditEvents: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null }; edges: { node: AuditNode }[] };
}

/** Partners writes its own audit rows and serves the hub's; on MariaDB and on the embedded SQLite. */
describe.each([{ dialect: 'mysql' as const }, { dialect: 'sqlite' as const }])('the audit trail in partners on $dialect', ({ dialect }) => {
  let testDb: TestDatabase | undefined;
  let database: Database;
  let close: () => Promise<void>;
  let call: ReturnType<typeof subgraphClient>;
  let input: Record<string, unknown>;

  beforeAll(async () => {
    testDb = dialect === 'mysql' ? await createTestDatabase('partners_audit') : undefined;
    database = await openPartnersDatabase(testDb ? { url: testDb.url } : { sqliteFile: ':memory:' });
    await seedDemoData(database, new Date('2026-06-15T08:00:00Z'));
    const server = await createPartnersServer({ database, gatewaySecret: SECRET, clock: fixedClock('2026-06-15T10:00:00Z') });
    const running = await server.listen(0);
    call = subgraphClient(running.url, SECRET);
    close = running.close;
    const { data } = await call<{ distributors: { id: string; countries: string[] }[] }>(admin, '{ distributors { id countries } }');
    const swiss = data!.distributors.find((d) => d.countries.includes('CH'))!;
    input = { name: 'Nordlicht Sicherheit', country: 'CH', programCode: 'CH-2011', segmentFocus: 'SMB', businessModels: ['RESELLER'], distributorIds: [swiss.id] };
  });

  afterAll(async () => {
    await close?.();
    await database?.dataSource.destroy();
    await testDb?.drop();
  });

  const auditRows = () => database.dataSource.manager.find(AuditEventEntity, { order: { id: 'ASC' } });

  it('records a mutation once, in its own database, with who, what, which field and which rows', async () => {
    const before = (await auditRows()).length;
    const created = await call<{ createPartner: { id: string } }>(admin, CREATE, { input });
    expect(created.errors).toBeUndefined();
    const partnerId = created.data!.createPartner.id;

    const rows = (await auditRows()).slice(before);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ subgraph: 'partners', actor: 'admin@vendor', role: 'vendor_admin', operation: 'CreateNordlicht', rootField: 'createPartner' });
    expect(rows[0]!.targetIds).toContain(partnerId);
    expect(rows[0]!.requestId).toMatch(/^[0-9a-f-]{36}$/);
    // The audit home does not forward its own rows.
    expect(await database.dataSource.manager.countBy(OutboxEntity, { type: AUDIT_RECORDED })).toBe(0);
  });

  it('records nothing for a refused mutation: bad input, a domain error, a forbidden caller', async () => {
    const before = (await auditRows()).length;
    const badInput = await call(admin, CREATE, { input: { ...input, programCode: 'XX-0000' } });
    expect(badInput.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'programCode' });
    const notFound = await call(admin, 'mutation { updatePartner(id: "no-such-partner", input: { name: "X" }) { id } }');
    expect(notFound.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const forbidden = await call({ sub: 'bi-tool', role: 'bi' }, CREATE, { input });
    expect(forbidden.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await auditRows()).toHaveLength(before);
  });

  it('records nothing for a query', async () => {
    const before = (await auditRows()).length;
    await call(admin, '{ partners(first: 1) { totalCount } }');
    expect(await auditRows()).toHaveLength(before);
  });

  it('names each root field of a document with two mutations', async () => {
    const before = (await auditRows()).length;
    const both = await call<{ a: { id: string }; b: { id: string } }>(
      manager,
      `mutation Two($input: CreatePartnerInput!, $other: CreatePartnerInput!) { a: createPartner(input: $input) { id } b: createPartner(input: $other) { id } }`,
      { input: { ...input, name: 'Erste AG' }, other: { ...input, name: 'Zweite AG' } },
    );
    expect(both.errors).toBeUndefined();
    const rows = (await auditRows()).slice(before);
    expect(rows.map((row) => [row.actor, row.operation, row.rootField])).toEqual([
      ['cm@vendor', 'Two', 'createPartner'],
      ['cm@vendor', 'Two', 'createPartner'],
    ]);
    expect(rows[0]!.targetIds).toContain(both.data!.a.id);
    expect(rows[1]!.targetIds).toContain(both.data!.b.id);
    expect(rows[0]!.requestId).toBe(rows[1]!.requestId);
  });

  it('keeps another subgraph\'s row once, however often its event arrives', async () => {
    const id = newId();
    const payload: EventPayload<typeof AUDIT_RECORDED, 1> = {
      subgraph: 'deals', actor: 'api@distri', role: 'distributor', operation: 'Approve', rootField: 'approveDeal',
      targetIds: ['deal-1'], requestId: 'req-42', at: '2026-06-15T09:30:00.123Z',
    };
    const event: DomainEvent = { id: newId(), type: AUDIT_RECORDED, version: 1, occurredAt: payload.at, source: 'deals', aggregateId: id, payload };
    expect(await applyOnce(database, auditCopies.name, event, auditCopies.handle, new Date())).toBe(true);
    expect(await applyOnce(database, auditCopies.name, event, auditCopies.handle, new Date())).toBe(false);
    const copy = await database.dataSource.manager.findOneByOrFail(AuditEventEntity, { id });
    expect(copy).toMatchObject({ subgraph: 'deals', actor: 'api@distri', rootField: 'approveDeal', targetIds: ['deal-1'], requestId: 'req-42' });
    expect(copy.at.toISOString()).toBe('2026-06-15T09:30:00.123Z');
  });

  it('lists the trail to vendor admins only, filtered by actor, operation and time, page by page', async () => {
    for (const caller of [manager, { sub: 'bi-tool', role: 'bi' } as Claims, { sub: 'p', role: 'partner', partnerId: newId() } as Claims]) {
      const refused = await call(caller, LIST);
      expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect(refused.data).toBeNull();
    }

    const all = await call<AuditList>(admin, LIST, { first: 500 });
    expect(all.errors).toBeUndefined();
    const nodes = all.data!.auditEvents.edges.map((edge) => edge.node);
    expect(nodes.length).toBeGreaterThanOrEqual(4);
    expect(all.data!.auditEvents.totalCount).toBe(nodes.length);

    const byActor = await call<AuditList>(admin, LIST, { filter: { actor: 'cm@vendor' } });
    expect(byActor.data!.auditEvents.edges.map((edge) => edge.node.rootField)).toEqual(['createPartner', 'createPartner']);
    const byOperation = await call<AuditList>(admin, LIST, { filter: { operation: 'CreateNordlicht' } });
    expect(byOperation.data!.auditEvents.totalCount).toBe(1);

    // The copied deals row is the only one at 09:30; everything made through the API is later.
    const window = await call<AuditList>(admin, LIST, { filter: { from: '2026-06-15T09:00:00Z', to: '2026-06-15T09:30:00.124Z' } });
    expect(window.data!.auditEvents.edges.map((edge) => edge.node.requestId)).toEqual(['req-42']);
    const after = await call<AuditList>(admin, LIST, { filter: { from: '2026-06-15T09:30:00.124Z' } });
    expect(after.data!.auditEvents.totalCount).toBe(nodes.length - 1);

    const pages: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { data?: AuditList } = await call<AuditList>(admin, LIST, { first: 2, after: cursor });
      pages.push(...page.data!.auditEvents.edges.map((edge) => edge.node.id));
      cursor = page.data!.auditEvents.pageInfo.hasNextPage ? page.data!.auditEvents.pageInfo.endCursor : null;
    } while (cursor);
    expect(pages).toEqual(nodes.map((node) => node.id));

    const reversed = await call(admin, LIST, { filter: { from: '2026-06-16T00:00:00Z', to: '2026-06-15T00:00:00Z' } });
    expect(reversed.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.to' });
  });
});
