import { Column, DataSource, Entity } from 'typeorm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DomainEvent } from '@hub/events';
import { fixtureEnvelope } from './fixtures';
import { definePartnerFactsConsumer, DistributorRefColumns, PartnerRefColumns } from './partner-projection';
import { payloadOf } from './validate';

/** A subgraph that keeps only the shared columns (as deals does). */
@Entity('plain_partner_ref')
class PlainPartnerRef extends PartnerRefColumns {}

@Entity('plain_distributor_ref')
class PlainDistributorRef extends DistributorRefColumns {}

/** A subgraph that keeps more of the snapshots (as licences does). */
@Entity('rich_partner_ref')
class RichPartnerRef extends PartnerRefColumns {
  @Column({ type: 'simple-json' })
  businessModels: string[];
}

@Entity('rich_distributor_ref')
class RichDistributorRef extends DistributorRefColumns {
  @Column({ type: 'boolean' })
  handlesRenewals: boolean;
}

const plain = definePartnerFactsConsumer('test.plain', { partners: { entity: PlainPartnerRef }, distributors: { entity: PlainDistributorRef } });
const rich = definePartnerFactsConsumer('test.rich', {
  partners: { entity: RichPartnerRef, extras: (snapshot) => ({ businessModels: snapshot.businessModels }) },
  distributors: { entity: RichDistributorRef, extras: (snapshot) => ({ handlesRenewals: snapshot.handlesRenewals }) },
});

const created = fixtureEnvelope('partner.created', 1);
const partnerId = payloadOf(created, 'partner.created', 1).partnerId;
const saved = fixtureEnvelope('distributor.saved', 1);
const distributorId = payloadOf(saved, 'distributor.saved', 1).distributorId;

/** The fixture's event, published at `occurredAt`, with `changes` to its payload. */
const at = (event: DomainEvent, occurredAt: string, changes: Record<string, unknown> = {}): DomainEvent => ({ ...event, occurredAt, payload: {
    ...(event.type === 'distributor.saved' ? payloadOf(event, 'distributor.saved', 1) : payloadOf(event, 'partner.created', 1)),
    ...changes,
  },
});

describe('the partner projection', () => {
  // In-memory SQLite built from the test entities: the module is about rows, not a dialect.
  const dataSource = new DataSource({ type: 'better-sqlite3', database: ':memory:', entities: [PlainPartnerRef, PlainDistributorRef, RichPartnerRef, RichDistributorRef], synchronize: true });
  beforeAll(() => dataSource.initialize());
  afterAll(() => dataSource.destroy());
  beforeEach(() => dataSource.synchronize(true));

  const apply = async (consumer: typeof plain, event: DomainEvent) => {
    const route = consumer.dispatch(event);
    if (!route?.ok) throw new Error(`not applied: ${route ? route.reason : 'type not handled'}`);
    await dataSource.transaction((manager) => route.apply(manager));
  };

  it('handles partner.created, partner.changed and distributor.saved', () => {
    expect([...plain.types].sort()).toEqual(['distributor.saved', 'partner.changed', 'partner.created']);
  });

  it('asks, in its types, how a table fills the columns of its own (the typecheck holds this test)', () => {
    // @ts-expect-error RichPartnerRef has businessModels, so its table needs `extras`
    expect(() => definePartnerFactsConsumer('test.untyped', { partners: { entity: RichPartnerRef }, distributors: { entity: PlainDistributorRef } })).not.toThrow();
  });

  it('writes the shared columns, and a subgraph’s own ones only where it keeps them', async () => {
    await apply(plain, created);
    await apply(rich, created);
    await apply(plain, saved);
    await apply(rich, saved);
    const snapshot = payloadOf(created, 'partner.created', 1);
    const shared = { id: partnerId, name: snapshot.name, programCode: snapshot.programCode, currency: snapshot.currency, status: snapshot.status, distributorIds: snapshot.distributorIds, updatedAt: new Date(created.occurredAt) };
    expect(await dataSource.manager.findOneByOrFail(PlainPartnerRef, { id: partnerId })).toEqual(shared);
    expect(await dataSource.manager.findOneByOrFail(RichPartnerRef, { id: partnerId })).toEqual({ ...shared, businessModels: snapshot.businessModels });
    const distributor = payloadOf(saved, 'distributor.saved', 1);
    expect(await dataSource.manager.findOneByOrFail(PlainDistributorRef, { id: distributorId })).toEqual({ id: distributorId, name: distributor.name, updatedAt: new Date(saved.occurredAt) });
    expect(await dataSource.manager.findOneByOrFail(RichDistributorRef, { id: distributorId })).toEqual({ id: distributorId, name: distributor.name, handlesRenewals: distributor.handlesRenewals, updatedAt: new Date(saved.occurredAt) });
  });

  it('keeps the newest snapshot whatever order they arrive in', async () => {
    await apply(rich, at(created, '2026-03-02T10:00:00.000Z', { name: 'Newer', businessModels: ['MSP'] }));
    await apply(rich, at(created, '2026-03-01T10:00:00.000Z', { name: 'Older', businessModels: ['VAR'] }));
    await apply(rich, at(saved, '2026-03-02T10:00:00.000Z', { name: 'Newer', handlesRenewals: true }));
    await apply(rich, at(saved, '2026-03-01T10:00:00.000Z', { name: 'Older', handlesRenewals: false }));
    expect(await dataSource.manager.findOneByOrFail(RichPartnerRef, { id: partnerId })).toMatchObject({ name: 'Newer', businessModels: ['MSP'], updatedAt: new Date('2026-03-02T10:00:00.000Z') });
    expect(await dataSource.manager.findOneByOrFail(RichDistributorRef, { id: distributorId })).toMatchObject({ name: 'Newer', handlesRenewals: true });
  });

  it('lets a later snapshot replace an earlier one, and the last applied of two published at the same instant stay', async () => {
    await apply(plain, at(created, '2026-03-01T10:00:00.000Z', { name: 'First' }));
    await apply(plain, at(created, '2026-03-02T10:00:00.000Z', { name: 'Second' }));
    expect(await dataSource.manager.findOneByOrFail(PlainPartnerRef, { id: partnerId })).toMatchObject({ name: 'Second' });
    await apply(plain, at(created, '2026-03-02T10:00:00.000Z', { name: 'Same instant' }));
    expect(await dataSource.manager.findOneByOrFail(PlainPartnerRef, { id: partnerId })).toMatchObject({ name: 'Same instant' });
  });
});
