import type { EntityManager } from 'typeorm';
import { recordEvents } from '@hub/events';
import type { BillingKind } from '../domain';
import type { SkuEntity } from '../entities';
import { LICENSES_SOURCE } from './events';

/** One event per SKU written to the catalog, its aggregate the SKU's code. */
export const CATALOG_SKU_SAVED = 'catalog.sku_saved';
export const CATALOG_SKU_SAVED_VERSION = 1;

/**
 * What other subgraphs learn of a SKU when it is saved: deals checks that a deal line names a
 * term SKU of the catalog and takes the deal's product line from it. The full SKU after the
 * write, not a diff, so a consumer that missed an event is current after the next one.
 */
export interface CatalogSkuSavedV1 {
  code: string;
  name: string;
  productLine: string;
  billing: BillingKind;
}

export function skuSavedPayload(sku: Pick<SkuEntity, 'code' | 'name' | 'productLine' | 'billing'>): CatalogSkuSavedV1 {
  return { code: sku.code, name: sku.name, productLine: sku.productLine, billing: sku.billing };
}

/**
 * Records `catalog.sku_saved` for each SKU in the caller's transaction: every path that writes
 * SKUs calls this beside its write, so the event commits or rolls back with it.
 */
export async function recordSkusSaved(manager: EntityManager, skus: readonly Pick<SkuEntity, 'code' | 'name' | 'productLine' | 'billing'>[], now: Date): Promise<void> {
  if (skus.length === 0) return;
  await recordEvents(
    manager,
    skus.map((sku) => ({ type: CATALOG_SKU_SAVED, version: CATALOG_SKU_SAVED_VERSION, source: LICENSES_SOURCE, aggregateId: sku.code, payload: skuSavedPayload(sku) })),
    now,
  );
}
