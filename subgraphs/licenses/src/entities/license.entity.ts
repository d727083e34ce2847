import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { DateColumn, MoneyColumn } from '@hub/db';
import type { Deployment, LicenseStatus } from '../domain';

@Entity('license')
@Index('idx_license_partner', ['partnerId', 'id'])
@Index('idx_license_distributor', ['distributorId', 'id'])
@Index('idx_license_status', ['status', 'endsOn'])
@Index('uq_license_deal_line', ['sourceDealId', 'sourceLine'], { unique: true })
export class LicenseEntity {
  /** UUIDv7: ordering by id is ordering by issue. */
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  /** The owning partner (reseller). */
  @Column({ type: 'varchar', length: 36 })
  partnerId: string;

  /** The distributor that fulfils it and its renewals, if any. */
  @Column({ type: 'varchar', length: 36, nullable: true })
  distributorId: string | null;

  @Column({ type: 'varchar', length: 36 })
  customerId: string;

  @Column({ type: 'varchar', length: 80 })
  sku: string;

  @Column({ type: 'varchar', length: 40 })
  productLine: string;

  @Column({ type: 'int' })
  seats: number;

  @Column({ type: 'varchar', length: 8 })
  deployment: Deployment;

  @Column({ type: 'varchar', length: 8 })
  status: LicenseStatus;

  @Column({ type: 'varchar', length: 32 })
  programCode: string;

  @Column({ type: 'varchar', length: 3 })
  currency: string;

  /** Start of the first term. */
  @DateColumn()
  startsOn: string;

  /** End (exclusive) of the latest term. */
  @DateColumn()
  endsOn: string;

  /** The won deal and line position it was issued from; null when issued directly. */
  @Column({ type: 'varchar', length: 36, nullable: true })
  sourceDealId: string | null;

  @Column({ type: 'int', nullable: true })
  sourceLine: number | null;

  @Column({ type: 'varchar', length: 1000, nullable: true })
  revokedReason: string | null;

  @Column({ type: 'datetime' })
  createdAt: Date;

  @Column({ type: 'datetime' })
  updatedAt: Date;
}

export type TermKind = 'INITIAL' | 'RENEWAL';

/** One paid term of a licence: the first, then one per renewal. */
@Entity('license_term')
@Index('uq_license_term_sequence', ['licenseId', 'sequence'], { unique: true })
export class LicenseTermEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'varchar', length: 36 })
  licenseId: string;

  @Column({ type: 'int' })
  sequence: number;

  @Column({ type: 'varchar', length: 8 })
  kind: TermKind;

  @DateColumn()
  startsOn: string;

  @DateColumn()
  endsOn: string;

  @Column({ type: 'int' })
  months: number;

  @Column({ type: 'int' })
  seats: number;

  @MoneyColumn()
  amount: bigint;

  @Column({ type: 'varchar', length: 3 })
  currency: string;

  /** Set when a distributor renewed on the partner's behalf. */
  @Column({ type: 'varchar', length: 36, nullable: true })
  distributorId: string | null;

  @Column({ type: 'varchar', length: 200 })
  createdBy: string;

  @Column({ type: 'datetime' })
  createdAt: Date;
}

/**
 * That a licence's distributor was told its term ends soon (license.expiring): one row per
 * licence and end date, written in the transaction that records the event. A renewal moves the
 * licence's end, so its new term earns a notice of its own later; the key keeps a restarted or
 * second licenses instance from sending one term's notice twice.
 */
@Entity('license_expiring_notice')
export class LicenseExpiringNoticeEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  licenseId: string;

  /** The end the notice announced: the licence's `endsOn` when it was sent. */
  @DateColumn({ primary: true })
  endsOn: string;

  /** The id of the license.expiring event recorded with it. */
  @Column({ type: 'varchar', length: 36 })
  eventId: string;

  @Column({ type: 'datetime' })
  sentAt: Date;
}
