import { defineConsumer } from '@hub/contracts';
import { CatalogSkuRefEntity } from '../entities/catalog-sku-ref.entity';
import { CatalogSyncEntity } from '../entities/catalog-sync.entity';

/** The consumer group (and processed_event name) of deals' catalog copy; stable across deploys. */
export const CATALOG_REFS_CONSUMER = 'deals.catalog';
/** The one row of catalog_sync. */
export const CATALOG_SYNC_ID = 'catalog';

/**
 * Keeps deals' copy of the catalog current from licenses' `catalog.sku_saved`, and notes from
 * `catalog.published` how many SKUs the whole catalog holds. What was saved or published
 * earlier than the copy already holds is ignored, so redelivery and replays in any order end in
 * the same state. Payloads the catalogue's schema refuses are parked, not applied.
 */
export const catalogRefsConsumer = defineConsumer(CATALOG_REFS_CONSUMER, {
  'catalog.sku_saved': {
    1: async (sku, event, manager) => {
      const code = sku.code.trim().toUpperCase();
      const at = new Date(event.occurredAt);
      const current = await manager.findOneBy(CatalogSkuRefEntity, { code });
      if (current && current.updatedAt > at) return;
      await manager.save(CatalogSkuRefEntity, { code, name: sku.name, productLine: sku.productLine, billing: sku.billing, updatedAt: at });
    },
  },
  'catalog.published': {
    1: async (published, event, manager) => {
      const at = new Date(event.occurredAt);
      const current = await manager.findOneBy(CatalogSyncEntity, { id: CATALOG_SYNC_ID });
      if (current && current.publishedAt > at) return;
      await manager.save(CatalogSyncEntity, { id: CATALOG_SYNC_ID, expectedSkus: published.skus, publishedAt: at });
    },
  },
});
