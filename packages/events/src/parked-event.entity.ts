import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * An event a consumer could not apply — its payload failed the catalogue's schema, or the
 * consumer has no handler for its version. It is written in the transaction that marks the
 * event processed, so the consumer's group moves on; staff retry it once the cause is fixed.
 */
@Entity('parked_event')
@Index('uq_parked_event_consumer_event', ['consumer', 'eventId'], { unique: true })
export class ParkedEventEntity {
  /** UUIDv7, so ordering by id lists parked events oldest first. */
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'varchar', length: 100 })
  consumer: string;

  @Column({ type: 'varchar', length: 36 })
  eventId: string;

  @Column({ type: 'varchar', length: 100 })
  type: string;

  @Column({ type: 'int' })
  version: number;

  /** The whole envelope as JSON text, exactly as it was delivered. */
  @Column({ type: 'text' })
  envelope: string;

  @Column({ type: 'text' })
  reason: string;

  @Column({ type: 'datetime', precision: 3 })
  parkedAt: Date;

  /** When a retry applied it; null while it waits. */
  @Column({ type: 'datetime', precision: 3, nullable: true })
  retriedAt: Date | null;
}
