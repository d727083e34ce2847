import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { DateColumn, MoneyColumn } from '@hub/db';
import type { Hosting } from '../domain';

/** A service provider's licence in the usage-based program: no up-front charge, no renewal. */
@Entity('master_license')
@Index('uq_master_license_partner', ['partnerId'], { unique: true })
@Index('idx_master_license_distributor', ['distributorId', 'id'])
export class MasterLicenseEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'varchar', length: 36 })
  partnerId: string;

  @Column({ type: 'varchar', length: 36 })
  distributorId: string;

  @Column({ type: 'varchar', length: 32 })
  programCode: string;

  @Column({ type: 'varchar', length: 3 })
  currency: string;

  @DateColumn()
  grantedOn: string;

  @Column({ type: 'varchar', length: 200 })
  grantedBy: string;

  @Column({ type: 'datetime' })
  createdAt: Date;
}

export type DeploymentStatus = 'ACTIVE' | 'REMOVED' | 'REVOKED';

/** Seats of one usage SKU deployed to one end customer under a master licence. */
@Entity('usage_deployment')
@Index('idx_usage_deployment_master', ['masterLicenseId', 'customerId', 'sku'])
@Index('idx_usage_deployment_customer', ['customerId'])
export class UsageDeploymentEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'varchar', length: 36 })
  masterLicenseId: string;

  @Column({ type: 'varchar', length: 36 })
  partnerId: string;

  @Column({ type: 'varchar', length: 36 })
  customerId: string;

  @Column({ type: 'varchar', length: 80 })
  sku: string;

  @Column({ type: 'varchar', length: 16 })
  hosting: Hosting;

  @Column({ type: 'varchar', length: 8 })
  status: DeploymentStatus;

  @DateColumn()
  deployedOn: string;

  /** Last day it was live: removed (charged through that month) or revoked. */
  @DateColumn({ nullable: true })
  endedOn: string | null;

  @Column({ type: 'varchar', length: 1000, nullable: true })
  endReason: string | null;

  @Column({ type: 'datetime' })
  updatedAt: Date;
}

export type UsageReportStatus = 'CURRENT' | 'SUPERSEDED';

/** A provider's seats for one month; a resubmission supersedes the earlier report. */
@Entity('usage_report')
@Index('idx_usage_report_partner_month', ['partnerId', 'month', 'version'], { unique: true })
@Index('idx_usage_report_month', ['month', 'status', 'partnerId'])
export class UsageReportEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'varchar', length: 36 })
  partnerId: string;

  @Column({ type: 'varchar', length: 7 })
  month: string;

  /** 1 for the first report of the month, +1 per correction. */
  @Column({ type: 'int' })
  version: number;

  @Column({ type: 'varchar', length: 12 })
  status: UsageReportStatus;

  @Column({ type: 'varchar', length: 200 })
  submittedBy: string;

  @Column({ type: 'datetime' })
  submittedAt: Date;
}

@Entity('usage_report_line')
@Index('idx_usage_report_line_report', ['reportId', 'position'])
export class UsageReportLineEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'varchar', length: 36 })
  reportId: string;

  @Column({ type: 'int' })
  position: number;

  @Column({ type: 'varchar', length: 36 })
  customerId: string;

  @Column({ type: 'varchar', length: 80 })
  sku: string;

  @Column({ type: 'int' })
  seats: number;
}

export type UsageStatementStatus = 'OPEN' | 'ISSUED';

/** What a provider owes for a month: rated from its current report, issued once the month closes. */
@Entity('usage_statement')
@Index('uq_usage_statement_partner_month', ['partnerId', 'month'], { unique: true })
@Index('idx_usage_statement_month', ['month', 'status', 'partnerId'])
@Index('idx_usage_statement_open', ['status', 'month', 'programCode'])
@Index('idx_usage_statement_distributor', ['distributorId', 'id'])
export class UsageStatementEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'varchar', length: 36 })
  partnerId: string;

  @Column({ type: 'varchar', length: 36 })
  distributorId: string;

  @Column({ type: 'varchar', length: 32 })
  programCode: string;

  @Column({ type: 'varchar', length: 7 })
  month: string;

  @Column({ type: 'varchar', length: 3 })
  currency: string;

  @Column({ type: 'varchar', length: 8 })
  status: UsageStatementStatus;

  /** The report it was rated from. */
  @Column({ type: 'varchar', length: 36 })
  reportId: string;

  @MoneyColumn()
  total: bigint;

  @Column({ type: 'datetime' })
  ratedAt: Date;

  @Column({ type: 'datetime', nullable: true })
  issuedAt: Date | null;
}

@Entity('usage_statement_line')
@Index('idx_usage_statement_line_statement', ['statementId', 'position'])
export class UsageStatementLineEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'varchar', length: 36 })
  statementId: string;

  @Column({ type: 'int' })
  position: number;

  @Column({ type: 'varchar', length: 80 })
  sku: string;

  @Column({ type: 'int' })
  seats: number;

  @Column({ type: 'int' })
  tierFromSeats: number;

  @MoneyColumn()
  unitPrice: bigint;

  @MoneyColumn()
  amount: bigint;
}
