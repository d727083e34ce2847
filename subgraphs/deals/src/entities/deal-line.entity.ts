import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { MoneyColumn } from '@hub/db';

@Entity('deal_line')
@Index('idx_deal_line_deal', ['dealId', 'position'])
export class DealLineEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'varchar', length: 36 })
  dealId: string;

  @Column({ type: 'int' })
  position: number;

  @Column({ type: 'varchar', length: 80 })
  sku: string;

  @Column({ type: 'int' })
  seats: number;

  /** Recommended partner buy price per seat, minor units of the deal currency. */
  @MoneyColumn()
  unitPrice: bigint;

  @MoneyColumn()
  amount: bigint;
}
