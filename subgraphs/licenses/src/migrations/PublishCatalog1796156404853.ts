import type { MigrationInterface, QueryRunner } from 'typeorm';
import { newId } from '@hub/db';
import type { BillingKind } from '../domain';
import { CATALOG_PUBLISHED, CATALOG_PUBLISHED_VERSION, CATALOG_SKU_SAVED, CATALOG_SKU_SAVED_VERSION, skuSavedPayload } from '../services/catalog-events';
import { LICENSES_SOURCE } from '../services/events';

/**
 * Publishes the catalog a database already holds. SKUs seeded before licenses published
 * `catalog.sku_saved` were never announced, and the seed leaves an existing catalog alone, so
 * without this deals would wait for the catalog forever. On a new database the catalog is still
 * empty here and the seed publishes it instead. Plain SQL, so the outbox and SKU shapes are the
 * ones of this point in the migration history, not of whatever the entities become later.
 */
export class PublishCatalog1796156404853 implements MigrationInterface {
  name = 'PublishCatalog1796156404853';

  async up(queryRunner: QueryRunner): Promise<void> {
    const skus = (await queryRunner.query('SELECT code, name, productLine, billing FROM sku ORDER BY code')) as { code: string; name: string; productLine: string; billing: BillingKind }[];
    // The format TypeORM writes datetime(3) columns in, on MySQL and SQLite alike.
    if (skus.length === 0) return;
    const occurredAt = new Date().toISOString().replace('T', ' ').slice(0, 23);
    const insert = (rows: unknown[][]) =>
      queryRunner.query(
        `INSERT INTO outbox (id, type, version, source, aggregateId, payload, occurredAt, publishedAt) VALUES ${rows.map(() => '(?, ?, ?, ?, ?, ?, ?, NULL)').join(', ')}`,
        rows.flat(),
      );
    for (let i = 0; i < skus.length; i += 200) {
      await insert(skus.slice(i, i + 200).map((sku) => [newId(), CATALOG_SKU_SAVED, CATALOG_SKU_SAVED_VERSION, LICENSES_SOURCE, sku.code, JSON.stringify(skuSavedPayload(sku)), occurredAt]));
    }
    await insert([[newId(), CATALOG_PUBLISHED, CATALOG_PUBLISHED_VERSION, LICENSES_SOURCE, 'catalog', JSON.stringify({ skus: skus.length }), occurredAt]]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    // Only what is still unpublished can be taken back; what the relay sent is with its consumers.
    await queryRunner.query('DELETE FROM outbox WHERE type IN (?, ?) AND publishedAt IS NULL', [CATALOG_SKU_SAVED, CATALOG_PUBLISHED]);
  }
}
