import { newId, type Database } from '@hub/db';
import type { DomainEvent, EventBus } from '@hub/events';
import { CatalogSkuRefEntity, CatalogSyncEntity } from './entities';

/*
 * The catalog as deals' integration suites receive it: a few SKUs named and shaped as licenses'
 * demo catalog names them, published as licenses publishes them, through the bus and deals' own
 * consumer, on whichever database the suite runs.
 */

export interface TestSku {
  code: string;
  name: string;
  productLine: string;
  billing: 'TERM' | 'USAGE';
}

/** Codes the suites write on their lines. */
export const SKU = {
  endpoint: 'ENDPOINT-STD-T',
  endpointAdvanced: 'ENDPOINT-ADV-T',
  endpointSuite: 'ENDPOINT-ADV-ENC-DLP-DD-T',
  network: 'NETWORK-STD-T',
  networkAdvanced: 'NETWORK-ADV-T',
  /** Billed monthly from usage reports: never on a deal. */
  endpointUsage: 'ENDPOINT-STD-U',
} as const;

export const TEST_CATALOG: TestSku[] = [
  { code: SKU.endpoint, name: 'Endpoint Security Standard (term)', productLine: 'ENDPOINT', billing: 'TERM' },
  { code: SKU.endpointAdvanced, name: 'Endpoint Security Advanced (term)', productLine: 'ENDPOINT', billing: 'TERM' },
  { code: SKU.endpointSuite, name: 'Endpoint Security Advanced with Encryption, Data Loss Prevention, Deep Discovery (term)', productLine: 'ENDPOINT', billing: 'TERM' },
  { code: SKU.network, name: 'Network Defense Standard (term)', productLine: 'NETWORK', billing: 'TERM' },
  { code: SKU.networkAdvanced, name: 'Network Defense Advanced (term)', productLine: 'NETWORK', billing: 'TERM' },
  { code: SKU.endpointUsage, name: 'Endpoint Security Standard (usage)', productLine: 'ENDPOINT', billing: 'USAGE' },
];

/** `catalog.sku_saved` as licenses records it. */
export function skuSaved(sku: TestSku, occurredAt = '2026-01-01T00:00:00.000Z'): DomainEvent {
  return { id: newId(), type: 'catalog.sku_saved', version: 1, occurredAt, source: 'licenses', aggregateId: sku.code, payload: { ...sku } };
}

/** `catalog.published` as licenses records it after a whole catalog. */
export function catalogPublished(skus: number, occurredAt = '2026-01-01T00:00:00.000Z'): DomainEvent {
  return { id: newId(), type: 'catalog.published', version: 1, occurredAt, source: 'licenses', aggregateId: 'catalog', payload: { skus } };
}

/**
 * Publishes `skus` as a whole catalog and waits until deals' copy holds them and knows it is
 * complete. The suite's deals server must have started (its consumer applies the events).
 */
export async function receiveTestCatalog(bus: EventBus, database: Database, skus: readonly TestSku[] = TEST_CATALOG): Promise<void> {
  await bus.publish([...skus.map((sku) => skuSaved(sku)), catalogPublished(skus.length)]);
  const deadline = Date.now() + 10_000;
  const codes = skus.map((sku) => sku.code);
  const manager = database.dataSource.manager;
  while ((await manager.countBy(CatalogSkuRefEntity, codes.map((code) => ({ code })))) < codes.length || !(await manager.existsBy(CatalogSyncEntity, { expectedSkus: skus.length }))) {
    if (Date.now() > deadline) throw new Error('deals did not receive the test catalog within 10 s');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
