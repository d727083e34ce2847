import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity('distributor')
export class DistributorEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Column({ type: 'simple-json' })
  countries: string[];

  @Column({ type: 'boolean' })
  handlesRenewals: boolean;

  @Column({ type: 'boolean' })
  usageBasedProgram: boolean;

  @Column({ type: 'datetime' })
  createdAt: Date;
}
