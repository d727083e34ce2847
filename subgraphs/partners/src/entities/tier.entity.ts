import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { MoneyColumn } from '@hub/db';

@Entity('tier')
@Index(['programCode', 'code'], { unique: true })
export class TierEntity {
  /** `<program>:<tier>`, e.g. `FR-2023:EXPERT`. */
  @PrimaryColumn({ type: 'varchar', length: 64 })
  id: string;

  @Column({ type: 'varchar', length: 32 })
  programCode: string;

  @Column({ type: 'varchar', length: 32 })
  code: string;

  @Column({ type: 'varchar', length: 100 })
  name: string;

  /** Position on the ladder, lowest first (1). */
  @Column({ type: 'int' })
  rank: number;

  @Column({ type: 'int' })
  minCertifiedStaff: number;

  /** Yearly new-business revenue needed, in minor units of the program currency. */
  @MoneyColumn()
  minRevenue: bigint;

  /** At most this many partners may hold the tier (CH Platinum: 5); null is unlimited. */
  @Column({ type: 'int', nullable: true })
  capacity: number | null;

  /** Names of the tiers this one replaces, e.g. Affinity Plus → Silver. */
  @Column({ type: 'simple-json' })
  legacyNames: string[];
}
