import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * What licenses' last `catalog.published` said: how many SKUs its whole catalog holds. Deals'
 * copy (catalog_sku_ref) is complete once it holds that many; until then, a code it does not find
 * may still be on its way, and a registration naming it is refused as retryable.
 */
@Entity('catalog_sync')
export class CatalogSyncEntity {
  /** One row: `catalog`. */
  @PrimaryColumn({ type: 'varchar', length: 16 })
  id: string;

  @Column({ type: 'int' })
  expectedSkus: number;

  @Column({ type: 'datetime', precision: 3 })
  publishedAt: Date;
}
