import type { EntityManager } from 'typeorm';
import type { DomainEvent } from '@hub/events';
import { CatalogSkuRefEntity } from '../entities/catalog-sku-ref.entity';

/** The consumer group (and processed_event name) of deals' catalog copy; stable across deploys. */
export const CATALOG_REFS_CONSUMER = 'deals.catalog';
export const CATALOG_EVENT_TYPES = ['catalog.sku_saved'] as const;

/**
 * The facts deals reads from licenses' `catalog.sku_saved`, version 1 (licenses declares the
 * payload in its services/catalog-events.ts). Read field by field and checked, not cast: a
 * payload that does not hold them is an error to see, not a SKU to store half-known.
 */
function skuSavedV1(event: DomainEvent): { code: string; name: string; productLine: string; billing: 'TERM' | 'USAGE' } {
  if (event.version !== 1) throw new Error(`deals reads version 1 of ${event.type}, got version ${event.version} (event ${event.id})`);
  const payload = (event.payload ?? {}) as Record<string, unknown>;
  const text = (field: string): string => {
    const value = payload[field];
    if (typeof value !== 'string' || value.trim() === '') throw new Error(`${event.type} ${event.id}: payload.${field} must be a non-empty string`);
    return value;
  };
  const billing = text('billing');
  if (billing !== 'TERM' && billing !== 'USAGE') throw new Error(`${event.type} ${event.id}: payload.billing must be TERM or USAGE, got ${billing}`);
  return { code: text('code').trim().toUpperCase(), name: text('name'), productLine: text('productLine'), billing };
}

/**
 * Keeps deals' copy of the catalog current from licenses' events. A SKU saved earlier than the
 * copy already holds is ignored, so redelivery and replays in any order end in the same state.
 */
export async function applyCatalogEvent(event: DomainEvent, manager: EntityManager): Promise<void> {
  if (event.type !== 'catalog.sku_saved') return;
  const sku = skuSavedV1(event);
  const at = new Date(event.occurredAt);
  const current = await manager.findOneBy(CatalogSkuRefEntity, { code: sku.code });
  if (current && current.updatedAt > at) return;
  await manager.save(CatalogSkuRefEntity, { ...sku, updatedAt: at });
}
