import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * What deals knows about a SKU of the catalog, kept current from licenses' `catalog.sku_saved`
 * events: enough to check a deal line (exists, sold on deals or billed from usage) and to take
 * the deal's product line from it, without calling licenses.
 */
@Entity('catalog_sku_ref')
export class CatalogSkuRefEntity {
  /** Upper case, as licenses writes codes; lines are normalised the same way before the lookup. */
  @PrimaryColumn({ type: 'varchar', length: 80 })
  code: string;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Column({ type: 'varchar', length: 40 })
  productLine: string;

  /** TERM (sold on deals) or USAGE (billed monthly from usage reports). */
  @Column({ type: 'varchar', length: 8 })
  billing: string;

  /** When licenses saved the SKU: an older event than the one applied is ignored. */
  @Column({ type: 'datetime', precision: 3 })
  updatedAt: Date;
}
