import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** Where a distributor wants its deal events POSTed, and the secret they are signed with. */
@Entity('webhook_endpoint')
@Index('idx_webhook_endpoint_distributor', ['distributorId', 'id'])
export class WebhookEndpointEntity {
  /** UUIDv7: ordering by id is ordering by registration. */
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'varchar', length: 36 })
  distributorId: string;

  @Column({ type: 'varchar', length: 2000 })
  url: string;

  /**
   * The signing secret, sealed with WEBHOOK_SECRET_KEY (see webhook-secrets.ts): deliveries need
   * it back to sign, so it is encrypted rather than hashed. Shown to the distributor only when
   * registered or rotated.
   */
  @Column({ type: 'varchar', length: 255 })
  secret: string;

  /** After a rotation, the secret before it, sealed likewise: deliveries carry its signature too until `previousSecretExpiresAt`. */
  @Column({ type: 'varchar', length: 255, nullable: true })
  previousSecret: string | null;

  @Column({ type: 'datetime', precision: 3, nullable: true })
  previousSecretExpiresAt: Date | null;

  @Column({ type: 'boolean' })
  active: boolean;

  /** The event types it receives (`deal.won`, …), sorted; null: every type. */
  @Column({ type: 'simple-json', nullable: true })
  eventTypes: string[] | null;

  @Column({ type: 'datetime', precision: 3 })
  createdAt: Date;
}
