import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { WebhookDeliveryStatus } from '../domain/webhooks';

/** One event to be POSTed to one endpoint, until it is delivered or given up. */
@Entity('webhook_delivery')
// One event reaches an endpoint once, however often the bus delivers it.
@Index('uq_webhook_delivery_event', ['endpointId', 'eventId'], { unique: true })
// The dispatcher asks for "PENDING, due, oldest first".
@Index('idx_webhook_delivery_due', ['status', 'nextAttemptAt'])
export class WebhookDeliveryEntity {
  /** UUIDv7: ordering by id is ordering by when the event was taken from the bus. */
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'varchar', length: 36 })
  endpointId: string;

  /** The event's id, sent as `id` and `x-hub-event-id`: receivers dedupe on it. */
  @Column({ type: 'varchar', length: 36 })
  eventId: string;

  @Column({ type: 'varchar', length: 100 })
  eventType: string;

  /** The version of the event's payload in the catalogue, sent as `version`; rows from before it was kept are all version 1. */
  @Column({ type: 'int', default: 1 })
  eventVersion: number;

  @Column({ type: 'datetime', precision: 3 })
  occurredAt: Date;

  /** The event's payload in JSON text, sent as `data`. */
  @Column({ type: 'text' })
  payload: string;

  @Column({ type: 'varchar', length: 16 })
  status: WebhookDeliveryStatus;

  /** Attempts started, including one in flight. */
  @Column({ type: 'int' })
  attempts: number;

  /** When the next attempt is due; while one is in flight, when it may be taken over. Null once DELIVERED or FAILED. */
  @Column({ type: 'datetime', precision: 3, nullable: true })
  nextAttemptAt: Date | null;

  @Column({ type: 'int', nullable: true })
  lastStatusCode: number | null;

  @Column({ type: 'varchar', length: 1000, nullable: true })
  lastError: string | null;

  @Column({ type: 'datetime', precision: 3, nullable: true })
  deliveredAt: Date | null;

  @Column({ type: 'datetime', precision: 3 })
  createdAt: Date;
}
