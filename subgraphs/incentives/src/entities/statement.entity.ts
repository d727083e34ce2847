import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { MoneyColumn } from '@hub/db';
import type { RuleKind } from '../domain';

export type StatementStatus = 'OPEN' | 'APPROVED' | 'PAID';
export type PayeeKind = 'PARTNER' | 'DISTRIBUTOR';

/**
 * What one payee earns in one quarter, in one currency (a distributor serving several programs
 * gets one per currency). OPEN is recomputed; APPROVED and PAID never change.
 */
@Entity('statement')
@Index('uq_statement_payee_period', ['payeeKind', 'payeeId', 'period', 'currency'], { unique: true })
@Index('idx_statement_period', ['period', 'status', 'id'])
@Index('idx_statement_payee', ['payeeId', 'id'])
export class StatementEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'varchar', length: 16 })
  payeeKind: PayeeKind;

  @Column({ type: 'varchar', length: 36 })
  payeeId: string;

  @Column({ type: 'varchar', length: 7 })
  period: string;

  @Column({ type: 'varchar', length: 3 })
  currency: string;

  @Column({ type: 'varchar', length: 8 })
  status: StatementStatus;

  @MoneyColumn()
  total: bigint;

  @Column({ type: 'datetime', precision: 3 })
  computedAt: Date;

  @Column({ type: 'datetime', precision: 3, nullable: true })
  approvedAt: Date | null;

  @Column({ type: 'varchar', length: 200, nullable: true })
  approvedBy: string | null;

  @Column({ type: 'datetime', precision: 3, nullable: true })
  paidAt: Date | null;

  @Column({ type: 'varchar', length: 200, nullable: true })
  paymentReference: string | null;
}

/** A line that explains itself: rule, version, source, base, rate, amount, and why. */
@Entity('payout_line')
@Index('idx_payout_line_statement', ['statementId', 'position'])
@Index('idx_payout_line_deal', ['dealId'])
export class PayoutLineEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'varchar', length: 36 })
  statementId: string;

  @Column({ type: 'int' })
  position: number;

  @Column({ type: 'varchar', length: 32 })
  rule: RuleKind;

  @Column({ type: 'int' })
  ruleVersion: number;

  @Column({ type: 'varchar', length: 120 })
  source: string;

  /** The deal a line derives from, so a reversal finds what to claw back. */
  @Column({ type: 'varchar', length: 36, nullable: true })
  dealId: string | null;

  @MoneyColumn()
  base: bigint;

  @Column({ type: 'varchar', length: 16 })
  rate: string;

  @MoneyColumn()
  amount: bigint;

  @Column({ type: 'varchar', length: 3 })
  currency: string;

  @Column({ type: 'varchar', length: 1000 })
  explanation: string;
}
