import { afterAll, describe, expect, it } from 'vitest';
import { newId, openDatabase, type Database } from '@hub/db';
import { fixedClock } from '@hub/domain';
import { applyOnce, type DomainEvent } from '@hub/events';
import { createTestDatabase, type TestDatabase } from '@hub/testing';
import { incentivesEntities, ProgramFactEntity } from './entities';
import { incentivesMigrations } from './migrations';
import { applyLedgerEvent, LEDGER_CONSUMER } from './services/ledger.consumer';
import { StandingService } from './services/standing.service';
import { event, partner, PROGRAMS } from './test/ledger-events';

/*
 * A program's book is versioned (partners' saveProgram / saveTier): standing on a date is
 * judged by the version in force that day, whatever order the versions arrive in, and a
 * version published ahead of its date changes nothing before it.
 */

const FR = PROGRAMS.find((program) => program.code === 'FR-2023')!;
// Version 2 from 2026-07-01: SKILL asks for 500,000.00 EUR a year instead of 100,000.00.
const v1 = event('program.saved', FR.code, { ...FR, version: 1, effectiveFrom: '2023-01-01' }, '2026-01-05T09:00:00.000Z');
const v2 = event(
  'program.saved',
  FR.code,
  { ...FR, version: 2, effectiveFrom: '2026-07-01', tiers: FR.tiers.map((tier) => (tier.code === 'SKILL' ? { ...tier, minRevenueMinor: '50000000' } : tier)) },
  '2026-06-10T09:00:00.000Z',
);

describe.each([{ dialect: 'mysql' as const }, { dialect: 'sqlite' as const }])('program versions in the incentives ledger on $dialect', ({ dialect }) => {
  const opened: { database: Database; testDb?: TestDatabase }[] = [];

  async function ledgerOf(events: readonly DomainEvent[]): Promise<Database> {
    const testDb = dialect === 'mysql' ? await createTestDatabase('incentives_program_versions') : undefined;
    const database = await openDatabase({ ...(testDb ? { url: testDb.url } : { sqliteFile: ':memory:' }), entities: incentivesEntities, migrations: incentivesMigrations });
    opened.push({ database, testDb });
    for (const e of events) await applyOnce(database, LEDGER_CONSUMER, e, applyLedgerEvent, new Date());
    return database;
  }

  afterAll(async () => {
    for (const { database, testDb } of opened) {
      await database.dataSource.destroy();
      await testDb?.drop();
    }
  });

  it.each([
    ['in order', [v1, v2]],
    ['the later version first', [v2, v1]],
  ])('judges each date by the version in force, versions received %s', async (_order, versions) => {
    const partnerId = newId();
    const database = await ledgerOf([...versions, partner(partnerId, FR.code, 'EUR')]);
    const standing = new StandingService(database, fixedClock('2026-06-15T10:00:00Z'));
    const gapOn = async (asOf: string) => (await standing.standings([partnerId], asOf)).get(partnerId)!;

    const before = await gapOn('2026-06-30');
    expect([before.qualifiedTier.code, before.nextTier?.code, before.gapRevenueMinor]).toEqual(['REGISTERED', 'SKILL', 10_000_000n]);
    const after = await gapOn('2026-07-01');
    expect([after.qualifiedTier.code, after.nextTier?.code, after.gapRevenueMinor]).toEqual(['REGISTERED', 'SKILL', 50_000_000n]);

    const row = await database.dataSource.manager.findOneByOrFail(ProgramFactEntity, { code: FR.code });
    expect(row.versions.map((version) => [version.version, version.effectiveFrom])).toEqual([
      [1, '2023-01-01'],
      [2, '2026-07-01'],
    ]);
  });
});
