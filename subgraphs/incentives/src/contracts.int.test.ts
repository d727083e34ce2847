import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replayFixtures } from '@hub/contracts/fixtures';
import { openDatabase, type Database } from '@hub/db';
import { JobEntity, jobMirrorConsumer } from '@hub/jobs';
import { createTestDatabase, type TestDatabase } from '@hub/testing';
import { DealFactEntity, incentivesEntities, PartnerFactEntity, ProgramFactEntity, RenewalFactEntity, TierFactEntity, UsageFactEntity } from './entities';
import { incentivesMigrations } from './migrations';
import { ledgerConsumer } from './services/ledger.consumer';

describe.each([{ dialect: 'mysql' as const }, { dialect: 'sqlite' as const }])('the published events replayed into incentives\' consumers on $dialect', ({ dialect }) => {
  let testDb: TestDatabase | undefined;
  let database: Database;

  beforeAll(async () => {
    testDb = dialect === 'mysql' ? await createTestDatabase('incentives_contracts') : undefined;
    database = await openDatabase({ ...(testDb ? { url: testDb.url } : { sqliteFile: ':memory:' }), entities: incentivesEntities, migrations: incentivesMigrations });
  });

  afterAll(async () => {
    await database?.dataSource.destroy();
    await testDb?.drop();
  });

  it('books every version of every type the ledger reads', async () => {
    const { applied, parked } = await replayFixtures(database, ledgerConsumer);
    expect(parked).toEqual([]);
    expect(applied).toBe(ledgerConsumer.types.length);
    const manager = database.dataSource.manager;
    expect(await manager.findOneByOrFail(ProgramFactEntity, { code: 'FR-2023' })).toMatchObject({ noDowngradeUntil: '2024-12-31' });
    expect(await manager.count(PartnerFactEntity)).toBe(1);
    expect(await manager.count(TierFactEntity)).toBe(1);
    // The deal's events all carry the same moment, so the last replayed (conflict_resolved, APPROVED) stands.
    expect(await manager.findOneByOrFail(DealFactEntity, { dealId: '01900000-0000-7000-8000-000000000003' })).toMatchObject({ amount: 1_124_325n, currency: 'EUR' });
    expect(await manager.findOneByOrFail(RenewalFactEntity, { id: '01900000-0000-7000-8000-000000000004:2' })).toMatchObject({ amount: 1_124_325n });
    expect(await manager.findOneByOrFail(UsageFactEntity, { statementId: '01900000-0000-7000-8000-00000000000a' })).toMatchObject({ total: 54_000n, month: '2026-06' });
  });

  it('mirrors the jobs other subgraphs run', async () => {
    const consumer = jobMirrorConsumer('incentives.jobs');
    const { applied, parked } = await replayFixtures(database, consumer);
    expect(parked).toEqual([]);
    expect(applied).toBe(1);
    expect(await database.dataSource.manager.findOneByOrFail(JobEntity, { id: '01900000-0000-7000-8000-00000000000b' })).toMatchObject({ status: 'SUCCEEDED', done: 40 });
  });
});
