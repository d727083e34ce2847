import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditCopies } from '@hub/contracts';
import { replayFixtures } from '@hub/contracts/fixtures';
import { AuditEventEntity, type Database } from '@hub/db';
import { createTestDatabase, type TestDatabase } from '@hub/testing';
import { openPartnersDatabase } from './server';

describe.each([{ dialect: 'mysql' as const }, { dialect: 'sqlite' as const }])('the published events replayed into partners\' consumers on $dialect', ({ dialect }) => {
  let testDb: TestDatabase | undefined;
  let database: Database;

  beforeAll(async () => {
    testDb = dialect === 'mysql' ? await createTestDatabase('partners_contracts') : undefined;
    database = await openPartnersDatabase(testDb ? { url: testDb.url } : { sqliteFile: ':memory:' });
  });

  afterAll(async () => {
    await database?.dataSource.destroy();
    await testDb?.drop();
  });

  it('keeps another subgraph\'s audit row under its own id', async () => {
    const { applied, parked } = await replayFixtures(database, auditCopies);
    expect(parked).toEqual([]);
    expect(applied).toBe(1);
    const copy = await database.dataSource.manager.findOneByOrFail(AuditEventEntity, { id: '01900000-0000-7000-8000-00000000000e' });
    expect(copy).toMatchObject({ subgraph: 'deals', rootField: 'approveDeal', requestId: 'req-0042' });
    expect(copy.at.toISOString()).toBe('2026-05-16T10:00:00.123Z');
  });
});
