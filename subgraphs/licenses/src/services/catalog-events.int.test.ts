import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '@hub/db';
import { OutboxEntity } from '@hub/events';
import { createTestDatabase, type TestDatabase } from '@hub/testing';
import { SkuEntity } from '../entities';
import { PublishCatalog1796156404853 } from '../migrations/PublishCatalog1796156404853';
import { demoCatalog, seedCatalog } from '../seeds/catalog';
import { openLicensesDatabase } from '../server';
import { CATALOG_PUBLISHED, CATALOG_SKU_SAVED } from './catalog-events';

/*
 * Licenses publishes its catalog: one `catalog.sku_saved` per SKU when the seed writes them, and,
 * for a database seeded before licenses published, once by a migration. On MariaDB and SQLite.
 */

const NOW = new Date('2026-06-15T08:00:00.000Z');
const catalog = demoCatalog();

describe.each([{ dialect: 'mysql' as const }, { dialect: 'sqlite' as const }])('catalog events on $dialect', ({ dialect }) => {
  let testDb: TestDatabase | undefined;
  let database: Database;

  beforeAll(async () => {
    testDb = dialect === 'mysql' ? await createTestDatabase('licenses_catalog_events') : undefined;
    database = await openLicensesDatabase(testDb ? { url: testDb.url } : { sqliteFile: ':memory:' });
  });

  afterAll(async () => {
    await database?.dataSource.destroy();
    await testDb?.drop();
  });

  const published = () => database.dataSource.manager.find(OutboxEntity, { where: { type: CATALOG_SKU_SAVED }, order: { aggregateId: 'ASC' } });
  const markers = async () => (await database.dataSource.manager.find(OutboxEntity, { where: { type: CATALOG_PUBLISHED }, order: { id: 'ASC' } })).map((event) => event.payload);

  it('publishes nothing from the migration on a new database, whose catalog is still empty', async () => {
    expect(await database.dataSource.manager.count(SkuEntity)).toBe(0);
    expect(await published()).toEqual([]);
    expect(await markers()).toEqual([]);
  });

  it('publishes every SKU the seed writes, once, with the facts deals needs', async () => {
    await database.transaction((manager) => seedCatalog(manager, NOW));
    const events = await published();
    expect(events).toHaveLength(catalog.skus.length);
    expect(events.map((event) => event.aggregateId)).toEqual(catalog.skus.map((sku) => sku.code).sort());
    expect(events.every((event) => event.version === 1 && event.source === 'licenses' && event.publishedAt === null)).toBe(true);
    expect(events.find((event) => event.aggregateId === 'ENDPOINT-ADV-T')?.payload).toEqual({
      code: 'ENDPOINT-ADV-T',
      name: 'Endpoint Security Advanced (term)',
      productLine: 'ENDPOINT',
      billing: 'TERM',
    });
    expect(events.find((event) => event.aggregateId === 'ENDPOINT-STD-U')?.payload).toMatchObject({ productLine: 'ENDPOINT', billing: 'USAGE' });
    // Then how many SKUs the whole catalog holds, so deals knows when its copy is complete.
    expect(await markers()).toEqual([{ skus: catalog.skus.length }]);

    // A second start finds the catalog and leaves it, and its events, alone.
    await database.transaction((manager) => seedCatalog(manager, NOW));
    expect(await published()).toHaveLength(catalog.skus.length);
    expect(await markers()).toHaveLength(1);
  });

  it('publishes the catalog of a database seeded before licenses published it, from the migration, with the seed\'s payloads', async () => {
    const fromSeed = new Map((await published()).map((event) => [event.aggregateId, event.payload]));
    await database.dataSource.manager.delete(OutboxEntity, { type: CATALOG_SKU_SAVED });
    await database.dataSource.manager.delete(OutboxEntity, { type: CATALOG_PUBLISHED });
    const runner = database.dataSource.createQueryRunner();
    try {
      await runner.startTransaction();
      await new PublishCatalog1796156404853().up(runner);
      await runner.commitTransaction();
    } finally {
      await runner.release();
    }
    const events = await published();
    expect(events).toHaveLength(catalog.skus.length);
    // Written as UTC, read back as the instant it was: within a minute of now, in any time zone.
    for (const event of events) expect(Math.abs(event.occurredAt.getTime() - Date.now())).toBeLessThan(60_000);
    expect(new Map(events.map((event) => [event.aggregateId, event.payload]))).toEqual(fromSeed);
    expect(events.every((event) => event.version === 1 && event.source === 'licenses' && event.publishedAt === null)).toBe(true);
    expect(new Set(events.map((event) => event.id)).size).toBe(events.length);
    expect(await markers()).toEqual([{ skus: catalog.skus.length }]);
  });
});
