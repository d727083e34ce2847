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

  /** Kept in clear because every delivery is signed with it; shown to the distributor only once, on registration. */
  @Column({ type: 'varchar', length: 100 })
  secret: string;

  @Column({ type: 'boolean' })
  active: boolean;

  @Column({ type: 'datetime', precision: 3 })
  createdAt: Date;
}
