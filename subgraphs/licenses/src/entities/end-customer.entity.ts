import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** An end customer of one partner; the same company under two partners is two rows. */
@Entity('end_customer')
@Index('uq_end_customer_partner_key', ['partnerId', 'key'], { unique: true })
@Index('idx_end_customer_key', ['key'])
@Index('idx_end_customer_domain', ['domain'])
export class EndCustomerEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'varchar', length: 36 })
  partnerId: string;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  /** Normalised name: "ACME S.A." and "Acme SA" are one customer. */
  @Column({ type: 'varchar', length: 200 })
  key: string;

  @Column({ type: 'varchar', length: 2 })
  country: string;

  @Column({ type: 'varchar', length: 253, nullable: true })
  domain: string | null;

  @Column({ type: 'datetime' })
  createdAt: Date;
}

/**
 * One row per end-customer identity (normalised name, domain) that deployments lock before
 * looking for the customer under other providers, so two providers taking the same customer at
 * once are serialised and the second sees the first. Rows are created on demand.
 */
@Entity('customer_lock')
export class CustomerLockEntity {
  /** SHA-256 of the identity, hex. */
  @PrimaryColumn({ type: 'varchar', length: 64 })
  lockKey: string;
}
