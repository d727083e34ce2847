import { Column, Entity } from 'typeorm';
import { DistributorRefColumns, PartnerRefColumns } from '@hub/contracts';

/** What licences knows of a partner, kept current from the partners subgraph's events. */
@Entity('partner_ref')
export class PartnerRefEntity extends PartnerRefColumns {
  @Column({ type: 'simple-json' })
  businessModels: string[];
}

@Entity('distributor_ref')
export class DistributorRefEntity extends DistributorRefColumns {
  @Column({ type: 'boolean' })
  handlesRenewals: boolean;

  @Column({ type: 'boolean' })
  usageBasedProgram: boolean;
}
