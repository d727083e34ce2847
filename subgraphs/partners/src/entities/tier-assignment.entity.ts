import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { DateColumn } from '@hub/db';

/**
 * Effective-dated tier history; the partner's tier on a date is derived from it. The index ends
 * with the id so that "the latest assignment on or before a date" is one step back along it
 * (a listed page asks it once per partner); SQLite's indexes do not carry the primary key.
 */
@Entity('tier_assignment')
@Index(['partnerId', 'effectiveFrom', 'id'])
@Index(['tierCode'])
export class TierAssignmentEntity {
  /** Time-ordered (UUIDv7): among assignments on the same date, the later decision wins. */
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'varchar', length: 36 })
  partnerId: string;

  @Column({ type: 'varchar', length: 32 })
  tierCode: string;

  @DateColumn()
  effectiveFrom: string;

  @Column({ type: 'varchar', length: 500 })
  reason: string;

  @Column({ type: 'varchar', length: 200 })
  assignedBy: string;

  @Column({ type: 'datetime' })
  assignedAt: Date;
}
