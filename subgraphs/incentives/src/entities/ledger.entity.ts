import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { DateColumn, MoneyColumn } from '@hub/db';
import type { DealType, Segment } from '../domain';

/*
 * The ledger: incentives' own copy of the facts payouts depend on, kept from other subgraphs'
 * events with their effective dates, so any past date can be recomputed without calling them.
 * Every row is keyed by what the event identifies, so a replay rebuilds the same ledger.
 */

export interface TierDefinitionFact {
  code: string;
  name: string;
  rank: number;
  minCertifiedStaff: number;
  minRevenueMinor: string;
  capacity: number | null;
}

export interface SpecializationFact {
  code: string;
  name: string;
  productLine: string | null;
  requiredSales: number;
  requiredTechnical: number;
}

/** One version of a program's book, as `program.saved` published it. */
export interface ProgramVersionFact {
  version: number;
  effectiveFrom: string;
  noDowngradeUntil: string | null;
  tiers: TierDefinitionFact[];
  specializations: SpecializationFact[];
}

/**
 * A program as incentives knows it: the newest snapshot received (currency, and the book for
 * ledgers kept before versions were), and every version with its effective date, from which
 * standing and payouts on a date take the one in force (`programOn`).
 */
@Entity('program_fact')
export class ProgramFactEntity {
  @PrimaryColumn({ type: 'varchar', length: 32 })
  code: string;

  @Column({ type: 'varchar', length: 3 })
  currency: string;

  @DateColumn({ nullable: true })
  noDowngradeUntil: string | null;

  @Column({ type: 'simple-json' })
  tiers: TierDefinitionFact[];

  @Column({ type: 'simple-json' })
  specializations: SpecializationFact[];

  /** Every version received, by effective date then version; empty in ledgers kept before versions were. */
  @Column({ type: 'simple-json' })
  versions: ProgramVersionFact[];

  @Column({ type: 'datetime', precision: 3 })
  updatedAt: Date;
}

@Entity('partner_fact')
@Index('idx_partner_fact_program', ['programCode', 'id'])
export class PartnerFactEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Column({ type: 'varchar', length: 2 })
  country: string;

  @Column({ type: 'varchar', length: 32 })
  programCode: string;

  @Column({ type: 'varchar', length: 3 })
  currency: string;

  @Column({ type: 'varchar', length: 16 })
  status: string;

  @Column({ type: 'varchar', length: 16 })
  segmentFocus: Segment;

  @Column({ type: 'simple-json' })
  distributorIds: string[];

  @Column({ type: 'datetime', precision: 3 })
  updatedAt: Date;
}

/** The partner's segment focus from the day a snapshot recorded it: payouts read it on the close date. */
@Entity('segment_focus_fact')
@Index('idx_segment_focus_fact_partner', ['partnerId', 'effectiveFrom'])
export class SegmentFocusFactEntity {
  /** The partner event that recorded it. */
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'varchar', length: 36 })
  partnerId: string;

  @Column({ type: 'varchar', length: 16 })
  segmentFocus: Segment;

  @DateColumn()
  effectiveFrom: string;

  @Column({ type: 'datetime', precision: 3 })
  recordedAt: Date;
}

/** One tier assignment, effective from a date; the tier on date D is the latest one from on or before D. */
@Entity('tier_fact')
@Index('idx_tier_fact_partner', ['partnerId', 'effectiveFrom'])
export class TierFactEntity {
  /** The event that assigned it. */
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'varchar', length: 36 })
  partnerId: string;

  @Column({ type: 'varchar', length: 32 })
  tierCode: string;

  @DateColumn()
  effectiveFrom: string;

  /** Orders two assignments effective on the same day: the later decision wins. */
  @Column({ type: 'datetime', precision: 3 })
  recordedAt: Date;
}

@Entity('certification_fact')
@Index('idx_certification_fact_partner', ['partnerId', 'validUntil'])
export class CertificationFactEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'varchar', length: 36 })
  partnerId: string;

  @Column({ type: 'varchar', length: 36 })
  personId: string;

  @Column({ type: 'varchar', length: 64 })
  specializationCode: string;

  @Column({ type: 'varchar', length: 16 })
  kind: 'SALES' | 'TECHNICAL';

  @DateColumn()
  validFrom: string;

  @DateColumn()
  validUntil: string;
}

export type DealFactStatus = 'OPEN' | 'WON' | 'REVERSED' | 'CLOSED';

/** A deal's latest facts; WON deals pay, REVERSED ones are clawed back. */
@Entity('deal_fact')
@Index('idx_deal_fact_closed', ['closedOn', 'partnerId'])
@Index('idx_deal_fact_partner', ['partnerId', 'closedOn'])
@Index('idx_deal_fact_reversed', ['reversedOn'])
// Statements: the quarter's won deals without reading the rows, the deals a page of partners
// referred, and the deals changed since a statement was frozen (late lines).
@Index('idx_deal_fact_won', ['status', 'closedOn', 'partnerId'])
@Index('idx_deal_fact_referrer', ['referringPartnerId', 'closedOn'])
@Index('idx_deal_fact_last_event', ['lastEventAt'])
export class DealFactEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  dealId: string;

  @Column({ type: 'varchar', length: 36 })
  partnerId: string;

  @Column({ type: 'varchar', length: 36, nullable: true })
  distributorId: string | null;

  @Column({ type: 'varchar', length: 36, nullable: true })
  referringPartnerId: string | null;

  @Column({ type: 'varchar', length: 32 })
  programCode: string;

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

  /** The registration was approved. */
  @Column({ type: 'boolean' })
  registered: boolean;

  @Column({ type: 'varchar', length: 16 })
  status: DealFactStatus;

  /** The day it was won. */
  @DateColumn({ nullable: true })
  closedOn: string | null;

  @DateColumn({ nullable: true })
  reversedOn: string | null;

  /** The newest event applied; an older one arriving late changes nothing. */
  @Column({ type: 'datetime', precision: 3 })
  lastEventAt: Date;
}

/** Renewal business from licences: counted as renewal revenue, never toward tier thresholds. */
@Entity('renewal_fact')
@Index('idx_renewal_fact_partner', ['partnerId', 'startsOn'])
export class RenewalFactEntity {
  /** `<licenseId>:<term sequence>`. */
  @PrimaryColumn({ type: 'varchar', length: 48 })
  id: string;

  @Column({ type: 'varchar', length: 36 })
  partnerId: string;

  @Column({ type: 'varchar', length: 36, nullable: true })
  distributorId: string | null;

  @MoneyColumn()
  amount: bigint;

  @Column({ type: 'varchar', length: 3 })
  currency: string;

  @DateColumn()
  startsOn: string;

  @DateColumn()
  renewedOn: string;
}

/** Issued usage statements, for partner metrics. */
@Entity('usage_fact')
@Index('idx_usage_fact_partner', ['partnerId', 'month'])
export class UsageFactEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  statementId: string;

  @Column({ type: 'varchar', length: 36 })
  partnerId: string;

  @Column({ type: 'varchar', length: 36 })
  distributorId: string;

  @Column({ type: 'varchar', length: 7 })
  month: string;

  @MoneyColumn()
  total: bigint;

  @Column({ type: 'varchar', length: 3 })
  currency: string;
}
