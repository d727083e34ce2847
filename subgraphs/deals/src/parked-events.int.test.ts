import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Claims } from '@hub/auth';
import { fixtureEnvelope } from '@hub/contracts/fixtures';
import { AuditEventEntity, newId, type Database } from '@hub/db';
import { adjustableClock } from '@hub/domain';
import { InProcessBus, ParkedEventEntity, type DomainEvent } from '@hub/events';
import { createTestDatabase, subgraphClient, type TestDatabase } from '@hub/testing';
import { PartnerRefEntity } from './entities';
import { createDealsServer, openDealsDatabase } from './server';
import { PARTNER_FACTS_CONSUMER } from './services/partner-refs.consumer';
import { payloadOf } from '@hub/contracts';

const SECRET = 'integration-test-gateway-secret-0123456789';
const admin: Claims = { sub: 'admin@vendor', role: 'vendor_admin' };
const staff: Claims = { sub: 'cm@vendor', role: 'channel_manager' };

const LIST = 'query ($pending: Boolean) { dealsParkedEvents(pending: $pending, first: 10) { totalCount edges { node { id consumer eventId type version reason retriedAt envelope } } } }';
const RETRY = 'mutation Retry($id: ID!) { retryDealsParkedEvent(id: $id) { id retriedAt } }';

type Listed = { dealsParkedEvents: { totalCount: number; edges: { node: { id: string; consumer: string; eventId: string; type: string; version: number; reason: string; retriedAt: string | null; envelope: string } }[] } };

/** A partner.created as partners publishes it, under a new id, with `payload` changed as given. */
function partnerCreated(changes: Record<string, unknown>, version = 1): DomainEvent {
  const fixture = fixtureEnvelope('partner.created', 1);
  const partnerId = newId();
  return { ...fixture, id: newId(), version, aggregateId: partnerId, payload: { ...payloadOf(fixture, 'partner.created', 1), partnerId, ...changes } };
}

/** Staff list and retry what deals' consumers parked, through the factory's root fields. */
describe.each([{ dialect: 'mysql' as const }, { dialect: 'sqlite' as const }])('deals\' parked events through GraphQL on $dialect', ({ dialect }) => {
  let testDb: TestDatabase | undefined;
  let database: Database;
  let bus: InProcessBus;
  let close: () => Promise<void>;
  let call: ReturnType<typeof subgraphClient>;
  const bad = partnerCreated({ segmentFocus: 'GALACTIC' });
  const future = partnerCreated({}, 2);
  const good = partnerCreated({ name: 'Gamma Réseaux' });

  beforeAll(async () => {
    testDb = dialect === 'mysql' ? await createTestDatabase('deals_parked') : undefined;
    database = await openDealsDatabase(testDb ? { url: testDb.url } : { sqliteFile: ':memory:' });
    bus = new InProcessBus();
    const server = await createDealsServer({ database, bus, gatewaySecret: SECRET, clock: adjustableClock('2026-06-15T10:00:00Z') });
    const running = await server.start(0);
    call = subgraphClient(running.url, SECRET);
    close = running.close;
    await bus.publish([bad, future, good]);
    for (let i = 0; !(await database.dataSource.manager.existsBy(PartnerRefEntity, { id: good.aggregateId })); i += 1) {
      if (i > 400) throw new Error('the event behind the parked ones was not applied');
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  });

  afterAll(async () => {
    await close?.();
    await bus?.close();
    await database?.dataSource.destroy();
    await testDb?.drop();
  });

  it('lists to a vendor admin, oldest first, what was parked while the group went on', async () => {
    const listed = await call<Listed>(admin, LIST, { pending: true });
    expect(listed.errors).toBeUndefined();
    const nodes = listed.data!.dealsParkedEvents.edges.map((edge) => edge.node);
    expect(nodes.map((node) => [node.consumer, node.eventId, node.type, node.version, node.retriedAt])).toEqual([
      [PARTNER_FACTS_CONSUMER, bad.id, 'partner.created', 1, null],
      [PARTNER_FACTS_CONSUMER, future.id, 'partner.created', 2, null],
    ]);
    expect(nodes[0]!.reason).toContain('segmentFocus');
    expect(nodes[1]!.reason).toContain('unknown version 2');
    expect(JSON.parse(nodes[0]!.envelope)).toEqual(bad);
  });

  it('refuses staff other than vendor admins, for the list and the retry', async () => {
    const [listed, retried] = [await call(staff, LIST, {}), await call(staff, RETRY, { id: newId() })];
    expect(listed.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(retried.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('leaves an event that still fails parked, with the latest reason, and audits nothing', async () => {
    const [parked] = await database.dataSource.manager.findBy(ParkedEventEntity, { eventId: bad.id });
    const retried = await call(admin, RETRY, { id: parked!.id });
    expect(retried.errors?.[0]?.extensions?.code).toBe('EVENTS.STILL_PARKED');
    expect(await database.dataSource.manager.findOneByOrFail(ParkedEventEntity, { id: parked!.id })).toMatchObject({ retriedAt: null });
    expect(await database.dataSource.manager.existsBy(PartnerRefEntity, { id: bad.aggregateId })).toBe(false);
    expect(await database.dataSource.manager.countBy(AuditEventEntity, { rootField: 'retryDealsParkedEvent' })).toBe(0);
  });

  it('applies, once and audited, an event an earlier release parked and this one reads', async () => {
    // What a release without a handler for partner.created v1 would have left: this release has one.
    const earlier = partnerCreated({ name: 'Delta Intégration' });
    const id = newId();
    await database.dataSource.manager.insert(ParkedEventEntity, {
      id,
      consumer: PARTNER_FACTS_CONSUMER,
      eventId: earlier.id,
      type: earlier.type,
      version: 1,
      envelope: JSON.stringify(earlier),
      reason: 'unknown version 1 of partner.created',
      parkedAt: new Date('2026-06-14T10:00:00Z'),
      retriedAt: null,
    });
    const retried = await call<{ retryDealsParkedEvent: { id: string; retriedAt: string } }>(admin, RETRY, { id });
    expect(retried.errors).toBeUndefined();
    expect(retried.data!.retryDealsParkedEvent).toEqual({ id, retriedAt: '2026-06-15T10:00:00.000Z' });
    expect(await database.dataSource.manager.findOneByOrFail(PartnerRefEntity, { id: earlier.aggregateId })).toMatchObject({ name: 'Delta Intégration' });
    const again = await call(admin, RETRY, { id });
    expect(again.errors?.[0]?.extensions?.code).toBe('EVENTS.ALREADY_RETRIED');
    expect(await database.dataSource.manager.findBy(AuditEventEntity, { rootField: 'retryDealsParkedEvent' })).toMatchObject([{ actor: 'admin@vendor', role: 'vendor_admin', operation: 'Retry' }]);
    const pending = await call<Listed>(admin, LIST, { pending: false });
    expect(pending.data!.dealsParkedEvents.edges.map((edge) => edge.node.id)).toEqual([id]);
  });
});
