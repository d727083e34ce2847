import { Entity, Index, PrimaryColumn } from 'typeorm';

/** Which distributors a partner buys through. */
@Entity('partner_distributor')
@Index(['distributorId'])
export class PartnerDistributorEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  partnerId: string;

  @PrimaryColumn({ type: 'varchar', length: 36 })
  distributorId: string;
}
