import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Claims } from '@hub/auth';
import { newId, type Database } from '@hub/db';
import { applyOnce } from '@hub/events';
import { createTestDatabase, type TestDatabase } from '@hub/testing';
import { incentivesExports } from './exports/incentives.export';
import { openIncentivesDatabase } from './server';
import { applyLedgerEvent, LEDGER_CONSUMER } from './services/ledger.consumer';
import { MetricsService } from './services/metrics.service';
import { ProgramMetricsService } from './services/program-metrics.service';
import { event, PROGRAMS } from './test/ledger-events';

const bi: Claims = { sub: 'bi-tool', role: 'bi' };
const PARTNERS = 10_000;
const BATCH = 500;
/** Every tenth partner is ELITE from the start of the year and won one deal of 1,000.00 EUR in Q3. */
const isElite = (i: number) => i % 10 === 0;

/** 10,000 partners of FR-2023 (1,000 ELITE with a won deal), written straight into the ledger's tables. */
async function insertLedger(database: Database): Promise<void> {
  const now = '2026-07-01 00:00:00';
  for (let start = 0; start < PARTNERS; start += BATCH) {
    const partners: unknown[] = [];
    const tiers: unknown[] = [];
    const deals: unknown[] = [];
    for (let i = start; i < start + BATCH; i += 1) {
      const id = newId();
      partners.push(id, `Export partner ${i}`, 'FR', 'FR-2023', 'EUR', 'ACTIVE', 'SMB', '[]', now);
      if (isElite(i)) {
        tiers.push(newId(), id, 'ELITE', '2026-01-01', now);
        deals.push(newId(), id, null, null, 'FR-2023', 'NEW_CUSTOMER', 'NETWORK', 'SMB', 10, '100000', 'EUR', true, 'WON', '2026-08-01', null, now);
      }
    }
    const insert = async (table: string, columns: string[], values: unknown[]) => {
      const row = `(${columns.map(() => '?').join(', ')})`;
      const rows = values.length / columns.length;
      const q = (name: string) => (database.dialect === 'mysql' ? `\`${name}\`` : `"${name}"`);
      await database.dataSource.query(`INSERT INTO ${table} (${columns.map(q).join(', ')}) VALUES ${Array.from({ length: rows }, () => row).join(', ')}`, values);
    };
    await insert('partner_fact', ['id', 'name', 'country', 'programCode', 'currency', 'status', 'segmentFocus', 'distributorIds', 'updatedAt'], partners);
    await insert('tier_fact', ['id', 'partnerId', 'tierCode', 'effectiveFrom', 'recordedAt'], tiers);
    await insert(
      'deal_fact',
      ['dealId', 'partnerId', 'distributorId', 'referringPartnerId', 'programCode', 'type', 'productLine', 'segment', 'seats', 'amount', 'currency', 'registered', 'status', 'closedOn', 'reversedOn', 'lastEventAt'],
      deals,
    );
  }
}

/**
 * The partner-metrics export over 10,000 partners: every partner once per quarter, figures equal
 * to partnerMetrics', read a page of 1,000 partners at a time in a fixed number of queries per
 * page; and programMetrics' tier distribution agrees with it. MariaDB and SQLite.
 */
describe.each(['mysql', 'sqlite'] as const)('partner-metrics export and programMetrics on %s (10,000 partners)', (dialect) => {
  let testDb: TestDatabase | undefined;
  let database: Database;

  beforeAll(async () => {
    testDb = dialect === 'mysql' ? await createTestDatabase('incentives_exports') : undefined;
    database = await openIncentivesDatabase(testDb ? { url: testDb.url } : { sqliteFile: ':memory:' });
    for (const program of PROGRAMS) await applyOnce(database, LEDGER_CONSUMER, event('program.saved', program.code, program), applyLedgerEvent, new Date());
    await insertLedger(database);
  });

  afterAll(async () => {
    await database?.dataSource.destroy();
    await testDb?.drop();
  });

  it('streams one row per partner per quarter in a fixed number of queries per page', async () => {
    const rows = incentivesExports(database, new MetricsService(database))['partner-metrics']!({ quarters: ['2026-Q2', '2026-Q3'], claims: bi });
    database.queries.reset();
    let count = 0;
    const revenue = new Map<string, bigint>();
    const tiers = new Map<string, number>();
    for await (const row of rows) {
      count += 1;
      const period = String(row.period);
      revenue.set(period, (revenue.get(period) ?? 0n) + BigInt(String(row.newBusinessRevenue).replace('.', '')));
      if (period === '2026-Q3') tiers.set(String(row.tierCode), (tiers.get(String(row.tierCode)) ?? 0) + 1);
    }
    const queries = database.queries.total;
    expect(count).toBe(2 * PARTNERS);
    expect(revenue).toEqual(new Map([['2026-Q2', 0n], ['2026-Q3', 1_000n * 100_000n]]));
    expect(tiers).toEqual(new Map([['ELITE', 1_000], ['REGISTERED', 9_000]]));
    // 2 quarters × 10 pages: a handful of statements a page, never one per partner.
    expect(queries).toBeLessThanOrEqual(2 * (PARTNERS / 1_000) * 12);
  });

  it('programMetrics counts the same tiers on the quarter’s last day, in SQL', async () => {
    const periods = await new ProgramMetricsService(database).periods(bi, 'FR-2023', '2026-Q3', '2026-Q3');
    expect(periods.map((p) => [p.period, p.tierDistribution])).toEqual([
      [
        '2026-Q3',
        [
          { tierCode: 'ELITE', partners: 1_000 },
          { tierCode: 'REGISTERED', partners: 9_000 },
        ],
      ],
    ]);
  });

  it('refuses a partner and names a bad period', async () => {
    const service = new ProgramMetricsService(database);
    await expect(service.periods({ sub: 'p', role: 'partner', partnerId: newId() }, 'FR-2023', '2026-Q3', '2026-Q3')).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(service.periods(bi, 'FR-2023', '2026-Q3', '2026-Q2')).rejects.toMatchObject({ code: 'BAD_USER_INPUT', field: 'to' });
    await expect(service.periods(bi, 'XX-0000', '2026-Q3', '2026-Q3')).rejects.toMatchObject({ code: 'BAD_USER_INPUT', field: 'programCode' });
  });
});
