import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { DateColumn } from '@hub/db';
import type { CertificationKind } from '../domain';

@Entity('certification')
@Index(['partnerId'])
@Index(['personId'])
export class CertificationEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'varchar', length: 36 })
  personId: string;

  /** Denormalised from the person so a partner's certifications load in one indexed query. */
  @Column({ type: 'varchar', length: 36 })
  partnerId: string;

  @Column({ type: 'varchar', length: 40 })
  specializationCode: string;

  @Column({ type: 'varchar', length: 16 })
  kind: CertificationKind;

  @DateColumn()
  validFrom: string;

  @DateColumn()
  validUntil: string;

  @Column({ type: 'datetime' })
  createdAt: Date;
}
