import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replayFixtures } from '@hub/contracts/fixtures';
import type { Database } from '@hub/db';
import { fixedClock } from '@hub/domain';
import { InProcessBus } from '@hub/events';
import { createTestDatabase, type TestDatabase } from '@hub/testing';
import { DistributorRefEntity, LicenseEntity, PartnerRefEntity } from './entities';
import { createLicensesServer, openLicensesDatabase } from './server';
import { dealLicensesConsumer } from './services/deal-licenses.consumer';
import { partnerFactsConsumer } from './services/partner-refs.consumer';

const DEAL = '01900000-0000-7000-8000-000000000003';

describe.each([{ dialect: 'mysql' as const }, { dialect: 'sqlite' as const }])('the published events replayed into licences\' consumers on $dialect', ({ dialect }) => {
  let testDb: TestDatabase | undefined;
  let database: Database;
  let bus: InProcessBus;
  let server: Awaited<ReturnType<typeof createLicensesServer>>;

  beforeAll(async () => {
    testDb = dialect === 'mysql' ? await createTestDatabase('licenses_contracts') : undefined;
    database = await openLicensesDatabase(testDb ? { url: testDb.url } : { sqliteFile: ':memory:' });
    bus = new InProcessBus();
    // Not started: the server only seeds the catalog the won deal's line names, and builds the services.
    server = await createLicensesServer({ database, bus, gatewaySecret: 'contract-tests-gateway-secret-0123456789', clock: fixedClock('2026-06-15T10:00:00Z') });
  });

  afterAll(async () => {
    await bus?.close();
    await database?.dataSource.destroy();
    await testDb?.drop();
  });

  it('keeps partner and distributor facts from every version partners publishes', async () => {
    const { applied, parked } = await replayFixtures(database, partnerFactsConsumer);
    expect(parked).toEqual([]);
    expect(applied).toBe(partnerFactsConsumer.types.length);
    expect(await database.dataSource.manager.findOneByOrFail(PartnerRefEntity, { id: '01900000-0000-7000-8000-000000000001' })).toMatchObject({ businessModels: ['RESELLER'] });
    expect(await database.dataSource.manager.findOneByOrFail(DistributorRefEntity, { id: '01900000-0000-7000-8000-000000000002' })).toMatchObject({ handlesRenewals: true, usageBasedProgram: true });
  });

  it('issues the won deal\'s licence and revokes it when the deal is reversed', async () => {
    const { applied, parked } = await replayFixtures(database, dealLicensesConsumer(server.licenses));
    expect(parked).toEqual([]);
    expect(applied).toBe(2);
    const licenses = await database.dataSource.manager.findBy(LicenseEntity, { sourceDealId: DEAL });
    expect(licenses.map((license) => [license.sku, license.seats, license.status])).toEqual([['ENDPOINT-ADV-T', 25, 'REVOKED']]);
  });
});
