import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

@Entity('specialization')
@Index(['programCode', 'code'], { unique: true })
export class SpecializationEntity {
  @PrimaryColumn({ type: 'varchar', length: 80 })
  id: string;

  @Column({ type: 'varchar', length: 32 })
  programCode: string;

  @Column({ type: 'varchar', length: 40 })
  code: string;

  @Column({ type: 'varchar', length: 100 })
  name: string;

  /** The product line deals must be in for this specialization to count (back-end rebate uplift). */
  @Column({ type: 'varchar', length: 40, nullable: true })
  productLine: string | null;

  @Column({ type: 'int' })
  requiredSales: number;

  @Column({ type: 'int' })
  requiredTechnical: number;
}
