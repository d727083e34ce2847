import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { DateColumn, MoneyColumn } from '@hub/db';
import type { MdfRequestStatus } from '../domain';

/** Market development funds granted to a partner for a period; requests draw it down. */
@Entity('mdf_allocation')
@Index('uq_mdf_allocation_partner_period', ['partnerId', 'period'], { unique: true })
export class MdfAllocationEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'varchar', length: 36 })
  partnerId: string;

  @Column({ type: 'varchar', length: 7 })
  period: string;

  @MoneyColumn()
  amount: bigint;

  @Column({ type: 'varchar', length: 3 })
  currency: string;

  @Column({ type: 'varchar', length: 200 })
  allocatedBy: string;

  @Column({ type: 'datetime', precision: 3 })
  createdAt: Date;
}

@Entity('mdf_request')
@Index('idx_mdf_request_allocation', ['allocationId', 'status'])
export class MdfRequestEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'varchar', length: 36 })
  allocationId: string;

  @Column({ type: 'varchar', length: 36 })
  partnerId: string;

  @MoneyColumn()
  amount: bigint;

  @Column({ type: 'varchar', length: 3 })
  currency: string;

  @Column({ type: 'varchar', length: 1000 })
  activity: string;

  @Column({ type: 'varchar', length: 16 })
  status: MdfRequestStatus;

  @Column({ type: 'varchar', length: 1000, nullable: true })
  decisionNote: string | null;

  @Column({ type: 'datetime', precision: 3 })
  requestedAt: Date;

  @Column({ type: 'datetime', precision: 3, nullable: true })
  decidedAt: Date | null;
}

export type MdfClaimStatus = 'PENDING' | 'APPROVED' | 'REJECTED';

/** Proof of performance against an approved request; an approved claim becomes a payout line. */
@Entity('mdf_claim')
@Index('idx_mdf_claim_request', ['requestId'])
@Index('idx_mdf_claim_partner_decided', ['partnerId', 'status', 'decidedOn'])
export class MdfClaimEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'varchar', length: 36 })
  requestId: string;

  @Column({ type: 'varchar', length: 36 })
  partnerId: string;

  @MoneyColumn()
  amount: bigint;

  @Column({ type: 'varchar', length: 3 })
  currency: string;

  @Column({ type: 'varchar', length: 500 })
  proofOfPerformance: string;

  @Column({ type: 'varchar', length: 16 })
  status: MdfClaimStatus;

  @Column({ type: 'varchar', length: 1000, nullable: true })
  decisionNote: string | null;

  @Column({ type: 'datetime', precision: 3 })
  claimedAt: Date;

  /** The day it was approved: its payout lands in that day's quarter. */
  @DateColumn({ nullable: true })
  decidedOn: string | null;
}
