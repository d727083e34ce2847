import { Column, PrimaryColumn, type EntityManager, type EntityTarget } from 'typeorm';
import type { DomainEvent, VersionedConsumer } from '@hub/events';
import type { EventPayload } from './catalogue';
import { defineConsumer } from './consumer';

/**
 * The columns every subgraph's copy of a partner has. Each subgraph declares its own entity
 * (`@Entity('partner_ref') class … extends PartnerRefColumns`), so the table stays its own and
 * may keep more of the snapshot than these.
 */
export abstract class PartnerRefColumns {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Column({ type: 'varchar', length: 32 })
  programCode: string;

  @Column({ type: 'varchar', length: 3 })
  currency: string;

  @Column({ type: 'varchar', length: 16 })
  status: string;

  @Column({ type: 'simple-json' })
  distributorIds: string[];

  /** When the partners subgraph published the snapshot this row holds: a newer one wins. */
  @Column({ type: 'datetime' })
  updatedAt: Date;
}

/** The columns every subgraph's copy of a distributor has; see PartnerRefColumns. */
export abstract class DistributorRefColumns {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  /** When the partners subgraph published the snapshot this row holds: a newer one wins. */
  @Column({ type: 'datetime' })
  updatedAt: Date;
}

type PartnerSnapshot = EventPayload<'partner.created', 1>;
type DistributorSnapshot = EventPayload<'distributor.saved', 1>;

/** What a subgraph keeps of a snapshot beyond the shared columns; needed only when its entity has such columns. */
type Extras<E, Base, S> = keyof Omit<E, keyof Base> extends never ? { extras?: never } : { extras: (snapshot: S) => Omit<E, keyof Base> };

export type RefTable<E extends Base, Base, S> = { entity: EntityTarget<E> } & Extras<E, Base, S>;

export interface PartnerProjection<P extends PartnerRefColumns, D extends DistributorRefColumns> {
  partners: RefTable<P, PartnerRefColumns, PartnerSnapshot>;
  distributors: RefTable<D, DistributorRefColumns, DistributorSnapshot>;
}

/**
 * Writes `row` unless the table holds a snapshot of the same id published later. Snapshots are
 * whole, so redelivery and replays in any order end in the same state; of two published at the
 * same instant, the one applied last stays.
 */
async function keepNewest<E extends { id: string; updatedAt: Date }>(manager: EntityManager, entity: EntityTarget<E>, row: { id: string; updatedAt: Date; [column: string]: unknown }): Promise<void> {
  const repository = manager.getRepository(entity);
  const current = await repository.findOneBy({ id: row.id } as Parameters<typeof repository.findOneBy>[0]);
  if (current && current.updatedAt > row.updatedAt) return;
  await repository.save(row as Parameters<typeof repository.save>[0]);
}

/**
 * The consumer that keeps a subgraph's copy of partner and distributor facts current from the
 * partners subgraph's events, in the subgraph's own tables.
 */
export function definePartnerFactsConsumer<P extends PartnerRefColumns, D extends DistributorRefColumns>(name: string, projection: PartnerProjection<P, D>): VersionedConsumer {
  const { partners, distributors } = projection;
  const applyPartner = (snapshot: PartnerSnapshot, event: DomainEvent, manager: EntityManager) =>
    keepNewest(manager, partners.entity, {
      id: snapshot.partnerId,
      name: snapshot.name,
      programCode: snapshot.programCode,
      currency: snapshot.currency,
      status: snapshot.status,
      distributorIds: snapshot.distributorIds,
      ...partners.extras?.(snapshot),
      updatedAt: new Date(event.occurredAt),
    });
  return defineConsumer(name, {
    'partner.created': { 1: applyPartner },
    'partner.changed': { 1: applyPartner },
    'distributor.saved': {
      1: (snapshot, event, manager) =>
        keepNewest(manager, distributors.entity, { id: snapshot.distributorId, name: snapshot.name, ...distributors.extras?.(snapshot), updatedAt: new Date(event.occurredAt) }),
    },
  });
}
