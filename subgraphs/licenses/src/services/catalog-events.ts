import type { EntityManager } from 'typeorm';
import { recordContractEvent, recordContractEvents, type EventPayload } from '@hub/contracts';
import type { SkuEntity } from '../entities';
import { LICENSES_SOURCE } from './events';

/** One event per SKU written to the catalog, its aggregate the SKU's code (@hub/contracts declares it). */
export const CATALOG_SKU_SAVED = 'catalog.sku_saved';
export const CATALOG_SKU_SAVED_VERSION = 1;
/** After a whole catalog's `catalog.sku_saved`, how many SKUs it holds: deals knows when its copy is complete. */
export const CATALOG_PUBLISHED = 'catalog.published';
export const CATALOG_PUBLISHED_VERSION = 1;

export type SkuSavedPayload = EventPayload<typeof CATALOG_SKU_SAVED, typeof CATALOG_SKU_SAVED_VERSION>;
type SavedSku = Pick<SkuEntity, 'code' | 'name' | 'productLine' | 'billing'>;

/** The whole SKU after the write, not a diff, so a consumer that missed an event is current after the next one. */
export function skuSavedPayload(sku: SavedSku): SkuSavedPayload {
  return { code: sku.code, name: sku.name, productLine: sku.productLine, billing: sku.billing };
}

/**
 * Records `catalog.sku_saved` for each SKU in the caller's transaction: every path that writes
 * SKUs calls this beside its write, so the event commits or rolls back with it.
 */
export async function recordSkusSaved(manager: EntityManager, skus: readonly SavedSku[], now: Date): Promise<void> {
  if (skus.length === 0) return;
  await recordContractEvents(
    manager,
    skus.map((sku) => ({ type: CATALOG_SKU_SAVED, version: CATALOG_SKU_SAVED_VERSION, source: LICENSES_SOURCE, aggregateId: sku.code, payload: skuSavedPayload(sku) })),
    now,
  );
}

/**
 * Records the SKUs of a whole catalog (the first seed) and then `catalog.published` with their
 * number, in the caller's transaction.
 */
export async function recordCatalogPublished(manager: EntityManager, skus: readonly SavedSku[], now: Date): Promise<void> {
  await recordSkusSaved(manager, skus, now);
  await recordContractEvent(
    manager,
    { type: CATALOG_PUBLISHED, version: CATALOG_PUBLISHED_VERSION, source: LICENSES_SOURCE, aggregateId: 'catalog', payload: { skus: skus.length } },
    now,
  );
}
