import { defineConsumer } from '@hub/contracts';
import { CatalogSkuRefEntity } from '../entities/catalog-sku-ref.entity';

/** The consumer group (and processed_event name) of deals' catalog copy; stable across deploys. */
export const CATALOG_REFS_CONSUMER = 'deals.catalog';

/**
 * Keeps deals' copy of the catalog current from licenses' `catalog.sku_saved`. A SKU saved
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
});
