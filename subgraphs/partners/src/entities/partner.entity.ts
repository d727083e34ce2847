import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { BusinessModel, PartnerStatus, Segment } from '../domain';

@Entity('partner')
@Index(['name', 'id'])
@Index(['programCode'])
@Index(['country'])
export class PartnerEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Column({ type: 'varchar', length: 2 })
  country: string;

  @Column({ type: 'varchar', length: 32 })
  programCode: string;

  @Column({ type: 'varchar', length: 16 })
  status: PartnerStatus;

  @Column({ type: 'varchar', length: 16 })
  segmentFocus: Segment;

  @Column({ type: 'simple-json' })
  businessModels: BusinessModel[];

  @Column({ type: 'varchar', length: 200, nullable: true })
  channelManager: string | null;

  @Column({ type: 'datetime' })
  createdAt: Date;

  @Column({ type: 'datetime' })
  updatedAt: Date;
}
