import { Column, Entity, PrimaryColumn } from 'typeorm';

/** What licences knows of a partner, kept current from the partners subgraph's events. */
@Entity('partner_ref')
export class PartnerRefEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Column({ type: 'varchar', length: 32 })
  programCode: string;

  @Column({ type: 'varchar', length: 3 })
  currency: string;

  @Column({ type: 'varchar', length: 16 })
  status: string;

  @Column({ type: 'simple-json' })
  businessModels: string[];

  @Column({ type: 'simple-json' })
  distributorIds: string[];

  @Column({ type: 'datetime' })
  updatedAt: Date;
}

@Entity('distributor_ref')
export class DistributorRefEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Column({ type: 'boolean' })
  handlesRenewals: boolean;

  @Column({ type: 'boolean' })
  usageBasedProgram: boolean;

  @Column({ type: 'datetime' })
  updatedAt: Date;
}
