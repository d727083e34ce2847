import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * What deals knows about a partner, kept current from the partners subgraph's events: enough to
 * validate a registration (exists, active, program, currency, distributors) without calling it.
 */
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

  @Column({ type: 'datetime' })
  updatedAt: Date;
}
