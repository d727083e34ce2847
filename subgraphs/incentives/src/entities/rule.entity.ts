import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { DateColumn } from '@hub/db';
import type { RuleKind } from '../domain';

/** One version of an incentive rule of a program: data that staff edit by adding versions. */
@Entity('incentive_rule')
@Index('uq_incentive_rule_version', ['programCode', 'kind', 'version'], { unique: true })
export class IncentiveRuleEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'varchar', length: 32 })
  programCode: string;

  @Column({ type: 'varchar', length: 32 })
  kind: RuleKind;

  @Column({ type: 'int' })
  version: number;

  @DateColumn()
  effectiveFrom: string;

  @DateColumn({ nullable: true })
  effectiveTo: string | null;

  @Column({ type: 'simple-json' })
  parameters: Record<string, unknown>;
}
