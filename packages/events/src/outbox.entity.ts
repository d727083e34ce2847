import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * An event waiting to be published, written in the same transaction as the state change it
 * describes. A subgraph adds this entity to its own list, so the table lives in its schema
 * and comes from its migrations.
 */
@Entity('outbox')
// The relay asks for "unpublished, oldest first": `publishedAt IS NULL ORDER BY id` reads this
// index in order, so a locking read with LIMIT locks only the rows it returns.
@Index(['publishedAt', 'id'])
export class OutboxEntity {
  /** The event id, a UUIDv7: ordering by it is ordering by when events were recorded. */
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'varchar', length: 100 })
  type: string;

  @Column({ type: 'int' })
  version: number;

  @Column({ type: 'varchar', length: 50 })
  source: string;

  @Column({ type: 'varchar', length: 100 })
  aggregateId: string;

  @Column({ type: 'simple-json' })
  payload: unknown;

  // Milliseconds kept so the published envelope says exactly what recordEvent returned.
  @Column({ type: 'datetime', precision: 3 })
  occurredAt: Date;

  @Column({ type: 'datetime', precision: 3, nullable: true })
  publishedAt: Date | null;
}
