import { Column, Entity, PrimaryColumn } from 'typeorm';
import { DateColumn } from '@hub/db';

@Entity('program')
export class ProgramEntity {
  @PrimaryColumn({ type: 'varchar', length: 32 })
  code: string;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Column({ type: 'varchar', length: 3 })
  currency: string;

  @Column({ type: 'simple-json' })
  countries: string[];

  @Column({ type: 'int' })
  version: number;

  @DateColumn()
  effectiveFrom: string;

  @DateColumn({ nullable: true })
  effectiveTo: string | null;

  /** No downgrade takes effect on or before this date (FR-2023: 2024-12-31). */
  @DateColumn({ nullable: true })
  noDowngradeUntil: string | null;
}
