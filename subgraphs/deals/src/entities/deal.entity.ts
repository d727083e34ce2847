import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { DateColumn, MoneyColumn } from '@hub/db';
import type { DealStatus, Segment } from '../domain';

export type DealType = 'NEW_CUSTOMER' | 'NEW_SOLUTION' | 'RENEWAL';

@Entity('deal')
@Index('idx_deal_partner', ['partnerId', 'id'])
@Index('idx_deal_distributor', ['distributorId', 'id'])
@Index('idx_deal_status', ['status', 'expiresAt'])
@Index('idx_deal_customer', ['productLine', 'customerKey'])
@Index('idx_deal_domain', ['productLine', 'customerDomain'])
export class DealEntity {
  /** UUIDv7: ordering by id is ordering by registration. */
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'varchar', length: 36 })
  partnerId: string;

  @Column({ type: 'varchar', length: 36, nullable: true })
  distributorId: string | null;

  @Column({ type: 'varchar', length: 36, nullable: true })
  referringPartnerId: string | null;

  @Column({ type: 'varchar', length: 32 })
  programCode: string;

  @Column({ type: 'varchar', length: 200 })
  customerName: string;

  /** Normalised name used to detect conflicts ("ACME S.A." = "acme"). */
  @Column({ type: 'varchar', length: 200 })
  customerKey: string;

  @Column({ type: 'varchar', length: 2 })
  customerCountry: string;

  @Column({ type: 'varchar', length: 253, nullable: true })
  customerDomain: string | null;

  @Column({ type: 'varchar', length: 16 })
  type: DealType;

  @Column({ type: 'varchar', length: 40 })
  productLine: string;

  @Column({ type: 'varchar', length: 16 })
  segment: Segment;

  @Column({ type: 'int' })
  seats: number;

  @MoneyColumn()
  amount: bigint;

  @Column({ type: 'varchar', length: 3 })
  currency: string;

  @Column({ type: 'varchar', length: 16 })
  status: DealStatus;

  @DateColumn()
  expectedCloseDate: string;

  @Column({ type: 'datetime' })
  registeredAt: Date;

  @Column({ type: 'datetime', nullable: true })
  approvedAt: Date | null;

  @DateColumn({ nullable: true })
  expiresAt: string | null;

  @DateColumn({ nullable: true })
  closedAt: string | null;

  /** Why it was rejected, lost or reversed. */
  @Column({ type: 'varchar', length: 1000, nullable: true })
  reason: string | null;

  /** The earlier registration this one conflicts with, until the vendor resolves it. */
  @Column({ type: 'varchar', length: 36, nullable: true })
  conflictWithId: string | null;

  @Column({ type: 'varchar', length: 200 })
  registeredBy: string;

  @Column({ type: 'datetime' })
  updatedAt: Date;
}
