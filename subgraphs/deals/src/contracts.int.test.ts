import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replayFixtures } from '@hub/contracts/fixtures';
import { newId, type Database } from '@hub/db';
import { fixedClock } from '@hub/domain';
import { createTestDatabase, type TestDatabase } from '@hub/testing';
import { CatalogSkuRefEntity, DistributorRefEntity, PartnerRefEntity, WebhookDeliveryEntity, WebhookEndpointEntity } from './entities';
import { openDealsDatabase } from './server';
import { catalogRefsConsumer } from './services/catalog-refs.consumer';
import { partnerFactsConsumer } from './services/partner-refs.consumer';
import { webhooksConsumer } from './services/webhooks.consumer';

describe.each([{ dialect: 'mysql' as const }, { dialect: 'sqlite' as const }])('the published events replayed into deals\' consumers on $dialect', ({ dialect }) => {
  let testDb: TestDatabase | undefined;
  let database: Database;

  beforeAll(async () => {
    testDb = dialect === 'mysql' ? await createTestDatabase('deals_contracts') : undefined;
    database = await openDealsDatabase(testDb ? { url: testDb.url } : { sqliteFile: ':memory:' });
  });

  afterAll(async () => {
    await database?.dataSource.destroy();
    await testDb?.drop();
  });

  it('keeps partner and distributor facts from every version partners publishes', async () => {
    const { applied, parked } = await replayFixtures(database, partnerFactsConsumer);
    expect(parked).toEqual([]);
    expect(applied).toBe(partnerFactsConsumer.types.length);
    expect(await database.dataSource.manager.findOneByOrFail(PartnerRefEntity, { id: '01900000-0000-7000-8000-000000000001' })).toMatchObject({ name: 'Alpha Sécurité SAS', programCode: 'FR-2023' });
    expect(await database.dataSource.manager.count(DistributorRefEntity)).toBe(1);
  });

  it('keeps the catalog copy from licenses\' catalog events', async () => {
    const { applied, parked } = await replayFixtures(database, catalogRefsConsumer);
    expect(parked).toEqual([]);
    expect(applied).toBe(catalogRefsConsumer.types.length);
    expect(await database.dataSource.manager.findOneByOrFail(CatalogSkuRefEntity, { code: 'ENDPOINT-ADV-T' })).toMatchObject({ billing: 'TERM', productLine: 'ENDPOINT' });
  });

  it('turns every event an endpoint can subscribe to into a webhook delivery for its distributor', async () => {
    const endpoint = newId();
    await database.dataSource.manager.insert(WebhookEndpointEntity, {
      id: endpoint,
      distributorId: '01900000-0000-7000-8000-000000000002',
      url: 'https://hooks.distri.example/deals',
      secret: 'sealed-in-production',
      previousSecret: null,
      previousSecretExpiresAt: null,
      active: true,
      createdAt: new Date('2026-06-01T00:00:00Z'),
    });
    const consumer = webhooksConsumer(fixedClock('2026-06-15T10:00:00Z'));
    const { applied, parked } = await replayFixtures(database, consumer);
    expect(parked).toEqual([]);
    expect(applied).toBe(consumer.types.length);
    const deliveries = await database.dataSource.manager.find(WebhookDeliveryEntity, { where: { endpointId: endpoint }, order: { eventType: 'ASC' } });
    // The statement fixtures are a partner's payout statements: they go to no distributor.
    expect(deliveries.map((delivery) => delivery.eventType)).toEqual(consumer.types.filter((type) => !type.startsWith('statement.')).sort());
  });
});
