import { afterAll, describe, expect, it } from 'vitest';
import { newId, openDatabase, type Database } from '@hub/db';
import { fixedClock } from '@hub/domain';
import { applyOnce, ProcessedEventEntity, type DomainEvent } from '@hub/events';
import { createTestDatabase, type TestDatabase } from '@hub/testing';
import {
  CertificationFactEntity,
  DealFactEntity,
  incentivesEntities,
  PartnerFactEntity,
  PayoutLineEntity,
  ProgramFactEntity,
  SegmentFocusFactEntity,
  StatementEntity,
  TierFactEntity,
} from './entities';
import { incentivesMigrations } from './migrations';
import { seedRules } from './seeds/rules';
import { applyLedgerEvent, LEDGER_CONSUMER } from './services/ledger.consumer';
import { StatementsService } from './services/statements.service';
import { deal, event, partner, PROGRAMS } from './test/ledger-events';

const LEDGER_TABLES = [ProgramFactEntity, PartnerFactEntity, SegmentFocusFactEntity, TierFactEntity, CertificationFactEntity, DealFactEntity];

/** A quarter of history: two partners, a tier change, certifications, deals won, one reversed, one approved twice over. */
function history(): DomainEvent[] {
  const fr = newId();
  const au = newId();
  const events: DomainEvent[] = [
    ...PROGRAMS.map((program) => event('program.saved', program.code, program)),
    partner(fr, 'FR-2023', 'EUR'),
    partner(au, 'AU-2014', 'AUD'),
    event('partner.tier_assigned', fr, { partnerId: fr, programCode: 'FR-2023', tierCode: 'SKILL', effectiveFrom: '2026-01-01' }),
    event('partner.tier_assigned', fr, { partnerId: fr, programCode: 'FR-2023', tierCode: 'EXPERT', effectiveFrom: '2026-08-01' }),
    event('partner.tier_assigned', au, { partnerId: au, programCode: 'AU-2014', tierCode: 'PREMIER', effectiveFrom: '2026-01-01' }),
    ...['SALES', 'TECHNICAL'].map((kind, i) =>
      event('partner.certification_added', fr, { partnerId: fr, personId: `p${i}`, certificationId: newId(), specializationCode: 'NETWORK_SECURITY', kind, validFrom: '2026-01-01', validUntil: '2027-12-31' }),
    ),
  ];
  for (const [i, closedAt] of ['2026-07-10', '2026-08-10', '2026-09-10'].entries()) {
    const facts = { dealId: newId(), partnerId: fr, programCode: 'FR-2023', currency: 'EUR', amountMinor: String(1_000_000 * (i + 1)), closedAt };
    events.push(deal('approved', facts, `${closedAt.slice(0, 8)}01T09:00:00Z`), deal('won', facts, `${closedAt}T09:00:00Z`));
    if (i === 1) events.push(deal('reversed', facts, `${closedAt.slice(0, 8)}25T09:00:00Z`));
  }
  for (const [i, closedAt] of ['2026-07-15', '2026-09-15'].entries()) {
    events.push(deal('won', { dealId: newId(), partnerId: au, programCode: 'AU-2014', currency: 'AUD', amountMinor: String(2_000_000 + i * 1_500_000), closedAt }, `${closedAt}T09:00:00Z`));
  }
  return events;
}

/** A deterministic shuffle (the same permutation every run). */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  const result = [...items];
  let state = seed;
  for (let i = result.length - 1; i > 0; i -= 1) {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    const j = state % (i + 1);
    [result[i], result[j]] = [result[j]!, result[i]!];
  }
  return result;
}

describe.each([{ dialect: 'mysql' as const }, { dialect: 'sqlite' as const }])('the incentives ledger on $dialect', ({ dialect }) => {
  const opened: { database: Database; testDb?: TestDatabase }[] = [];

  async function freshLedger(): Promise<Database> {
    const testDb = dialect === 'mysql' ? await createTestDatabase('incentives_ledger') : undefined;
    const database = await openDatabase({ ...(testDb ? { url: testDb.url } : { sqliteFile: ':memory:' }), entities: incentivesEntities, migrations: incentivesMigrations });
    await database.transaction((manager) => seedRules(manager));
    opened.push({ database, testDb });
    return database;
  }

  async function apply(database: Database, events: readonly DomainEvent[]) {
    for (const e of events) await applyOnce(database, LEDGER_CONSUMER, e, applyLedgerEvent, new Date());
  }

  /** Every ledger row, in a stable order, without anything that depends on arrival. */
  async function ledgerRows(database: Database) {
    const rows: Record<string, unknown[]> = {};
    for (const entity of LEDGER_TABLES) {
      const all = (await database.dataSource.manager.find(entity as never)) as Record<string, unknown>[];
      rows[entity.name] = all.map((row) => JSON.stringify(row, (_, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))).sort();
    }
    return rows;
  }

  async function statementsOf(database: Database, period: string) {
    await new StatementsService(database, fixedClock('2026-10-05T10:00:00Z')).compute(period);
    const statements = await database.dataSource.manager.find(StatementEntity, { order: { payeeId: 'ASC' } });
    const lines = await database.dataSource.manager.find(PayoutLineEntity, { order: { statementId: 'ASC', position: 'ASC' } });
    return statements.map((s) => ({
      payee: s.payeeId,
      total: s.total,
      lines: lines.filter((l) => l.statementId === s.id).map(({ rule, ruleVersion, source, base, rate, amount, explanation }) => ({ rule, ruleVersion, source, base, rate, amount, explanation })),
    }));
  }

  afterAll(async () => {
    for (const { database, testDb } of opened) {
      await database.dataSource.destroy();
      await testDb?.drop();
    }
  });

  it('gives the same ledger and the same statements whatever order the events arrive in', async () => {
    const events = history();
    const inOrder = await freshLedger();
    const outOfOrder = await freshLedger();
    await apply(inOrder, events);
    await apply(outOfOrder, shuffled(events, 7));

    expect(await ledgerRows(outOfOrder)).toEqual(await ledgerRows(inOrder));
    const expected = await statementsOf(inOrder, '2026-Q3');
    expect(expected.flatMap((s) => s.lines.map((l) => l.rule)).sort()).toEqual(['BACK_END_REBATE', 'BACK_END_REBATE', 'VOLUME_REBATE']);
    expect(await statementsOf(outOfOrder, '2026-Q3')).toEqual(expected);
  });

  it('rebuilds the same ledger when replayed from the start, and ignores a redelivery', async () => {
    const events = history();
    const database = await freshLedger();
    await apply(database, events);
    const before = await ledgerRows(database);

    await apply(database, events.slice(0, 10));
    expect(await ledgerRows(database)).toEqual(before);

    await database.transaction(async (manager) => {
      for (const entity of [...LEDGER_TABLES, ProcessedEventEntity]) await manager.clear(entity as never);
    });
    await apply(database, events);
    expect(await ledgerRows(database)).toEqual(before);
  });
});
