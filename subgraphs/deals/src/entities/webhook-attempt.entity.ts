import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** One POST of a delivery and what came of it: a status code, or the error when there was no response. */
@Entity('webhook_attempt')
@Index('idx_webhook_attempt_delivery', ['deliveryId', 'id'])
export class WebhookAttemptEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'varchar', length: 36 })
  deliveryId: string;

  @Column({ type: 'datetime', precision: 3 })
  attemptedAt: Date;

  @Column({ type: 'int', nullable: true })
  statusCode: number | null;

  @Column({ type: 'varchar', length: 1000, nullable: true })
  error: string | null;

  @Column({ type: 'int' })
  durationMs: number;
}
