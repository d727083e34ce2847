import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Claims } from '@hub/auth';
import { AuditEventEntity, newId, type Database } from '@hub/db';
import { addDays, adjustableClock } from '@hub/domain';
import { AUDIT_RECORDED } from '@hub/contracts';
import { InProcessBus, OutboxEntity, type DomainEvent } from '@hub/events';
import { createTestDatabase, subgraphClient, type TestDatabase } from '@hub/testing';
import { DistributorRefEntity, PartnerRefEntity } from './entities';
import { createDealsServer, openDealsDatabase } from './server';
import { receiveTestCatalog, SKU } from './int-test-catalog';

const SECRET = 'integration-test-gateway-secret-0123456789';
const DAY0 = '2026-06-15';
const PARTNER = newId();
const DISTRIBUTOR = newId();
const partner: Claims = { sub: 'seller@alpha', role: 'partner', partnerId: PARTNER };
const staff: Claims = { sub: 'cm@vendor', role: 'channel_manager' };

const fact = (type: string, aggregateId: string, payload: unknown): DomainEvent => ({
  id: newId(), type, version: 1, occurredAt: `${DAY0}T08:00:00.000Z`, source: 'partners', aggregateId, payload,
});
const FACTS = [
  fact('distributor.saved', DISTRIBUTOR, { distributorId: DISTRIBUTOR, name: 'Distri', countries: ['FR'], handlesRenewals: true, usageBasedProgram: false }),
  fact('partner.created', PARTNER, { partnerId: PARTNER, name: 'Alpha', country: 'FR', programCode: 'FR-2023', currency: 'EUR', status: 'ACTIVE', segmentFocus: 'SMB', businessModels: ['RESELLER'], distributorIds: [DISTRIBUTOR] }),
];

const REGISTER = 'mutation Register($input: RegisterDealInput!) { registerDeal(input: $input) { id } }';
const APPROVE = 'mutation Approve($id: ID!) { approveDeal(id: $id) { id } }';
const registration = (seats: number) => ({
  partnerId: PARTNER,
  distributorId: DISTRIBUTOR,
  endCustomer: { name: `Kunde ${seats} GmbH`, country: 'DE', domain: `kunde-${seats}.example` },
  type: 'NEW_CUSTOMER',
  productLine: 'ENDPOINT',
  lines: [{ sku: SKU.endpoint, seats, unitPrice: '19.99' }],
  expectedCloseDate: addDays(DAY0, 60),
});

/** A subgraph other than partners keeps its own audit rows and sends each home as an event, in the change's transaction. */
describe.each([{ dialect: 'mysql' as const }, { dialect: 'sqlite' as const }])('the audit trail in deals on $dialect', ({ dialect }) => {
  let testDb: TestDatabase | undefined;
  let database: Database;
  let bus: InProcessBus;
  let close: () => Promise<void>;
  let call: ReturnType<typeof subgraphClient>;

  beforeAll(async () => {
    testDb = dialect === 'mysql' ? await createTestDatabase('deals_audit') : undefined;
    database = await openDealsDatabase(testDb ? { url: testDb.url } : { sqliteFile: ':memory:' });
    bus = new InProcessBus();
    const server = await createDealsServer({ database, bus, gatewaySecret: SECRET, clock: adjustableClock(`${DAY0}T10:00:00Z`) });
    const running = await server.start(0);
    call = subgraphClient(running.url, SECRET);
    close = running.close;
    await bus.publish(FACTS);
    const manager = database.dataSource.manager;
    for (let i = 0; (await manager.count(PartnerRefEntity)) < 1 || (await manager.count(DistributorRefEntity)) < 1; i += 1) {
      if (i > 400) throw new Error('partner facts not applied');
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    await receiveTestCatalog(bus, database);
  });

  afterAll(async () => {
    await close?.();
    await bus?.close();
    await database?.dataSource.destroy();
    await testDb?.drop();
  });

  const rows = () => database.dataSource.manager.find(AuditEventEntity, { order: { id: 'ASC' } });
  const forwarded = () => database.dataSource.manager.find(OutboxEntity, { where: { type: AUDIT_RECORDED }, order: { id: 'ASC' } });

  it('audits nothing that consumers wrote: the partner facts came from events, not from a caller', async () => {
    expect(await database.dataSource.manager.count(PartnerRefEntity)).toBe(1);
    expect(await rows()).toEqual([]);
  });

  it('records a registration and an approval, each once, and sends each row home with the same facts', async () => {
    const registered = await call<{ registerDeal: { id: string } }>(partner, REGISTER, { input: registration(25) });
    expect(registered.errors).toBeUndefined();
    const dealId = registered.data!.registerDeal.id;
    const approved = await call(staff, APPROVE, { id: dealId });
    expect(approved.errors).toBeUndefined();

    const audit = await rows();
    expect(audit.map((row) => [row.subgraph, row.actor, row.role, row.operation, row.rootField])).toEqual([
      ['deals', 'seller@alpha', 'partner', 'Register', 'registerDeal'],
      ['deals', 'cm@vendor', 'channel_manager', 'Approve', 'approveDeal'],
    ]);
    for (const row of audit) expect(row.targetIds).toContain(dealId);

    const events = await forwarded();
    expect(events.map((event) => event.aggregateId)).toEqual(audit.map((row) => row.id));
    expect(events[0]!.payload).toEqual({
      subgraph: 'deals', actor: 'seller@alpha', role: 'partner', operation: 'Register', rootField: 'registerDeal',
      targetIds: audit[0]!.targetIds, requestId: audit[0]!.requestId, at: audit[0]!.at.toISOString(),
    });
  });

  it('records and sends nothing for a refused mutation: bad input, a domain error, another partner\'s deal', async () => {
    const [rowsBefore, eventsBefore] = [(await rows()).length, (await forwarded()).length];
    const badInput = await call(partner, REGISTER, { input: { ...registration(26), lines: [] } });
    expect(badInput.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'lines' });
    const won = await call<{ registerDeal: { id: string } }>(staff, REGISTER, { input: registration(27) });
    const again = await call(staff, APPROVE, { id: won.data!.registerDeal.id });
    expect(again.errors).toBeUndefined();
    const twice = await call(staff, APPROVE, { id: won.data!.registerDeal.id });
    expect(twice.errors?.[0]?.extensions?.code).toBe('DEALS.INVALID_TRANSITION');
    const foreign = await call({ sub: 'someone@else', role: 'partner', partnerId: newId() }, APPROVE, { id: won.data!.registerDeal.id });
    expect(foreign.errors?.[0]?.extensions?.code).toMatch(/FORBIDDEN|NOT_FOUND/);
    // Only the registration and the first approval of the third deal were recorded.
    expect((await rows()).length).toBe(rowsBefore + 2);
    expect((await forwarded()).length).toBe(eventsBefore + 2);
  });
});
