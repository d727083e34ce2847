import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { DateColumn } from '@hub/db';
import type { ReviewFinding, ReviewOutcome } from '../domain';

/** A formal review of a partner's performance and what was decided. */
@Entity('review')
@Index(['partnerId', 'reviewedOn'])
export class ReviewEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'varchar', length: 36 })
  partnerId: string;

  @DateColumn()
  reviewedOn: string;

  @Column({ type: 'varchar', length: 16 })
  outcome: ReviewOutcome;

  @Column({ type: 'simple-json' })
  findings: ReviewFinding[];

  @Column({ type: 'varchar', length: 2000, nullable: true })
  note: string | null;

  /** For DOWNGRADE: the tier the partner moves to and from when. */
  @Column({ type: 'varchar', length: 32, nullable: true })
  newTierCode: string | null;

  @DateColumn({ nullable: true })
  effectiveFrom: string | null;

  @Column({ type: 'varchar', length: 200 })
  reviewedBy: string;

  @Column({ type: 'datetime' })
  createdAt: Date;
}
