import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId, openDatabase, pendingSchemaChanges, type Database } from '@hub/db';
import { fixedClock } from '@hub/domain';
import { applyOnce, type DomainEvent } from '@hub/events';
import { deal, event, partner, PROGRAMS } from './test/ledger-events';
import { createTestDatabase, type TestDatabase } from '@hub/testing';
import { DealFactEntity, incentivesEntities, PayoutLineEntity, StatementEntity } from './entities';
import { incentivesMigrations } from './migrations';
import { seedRules } from './seeds/rules';
import { applyLedgerEvent, LEDGER_CONSUMER } from './services/ledger.consumer';
import { MetricsService } from './services/metrics.service';
import { StatementsService } from './services/statements.service';

const FR_EXPERT = newId();
const AU_PREMIER = newId();
const AU_REFERRER = newId();

describe.each([{ dialect: 'mysql' as const }, { dialect: 'sqlite' as const }])('incentive statements on $dialect', ({ dialect }) => {
  let testDb: TestDatabase | undefined;
  let database: Database;
  let statements: StatementsService;
  const apply = (events: DomainEvent[]) => events.reduce((done, e) => done.then(() => applyOnce(database, LEDGER_CONSUMER, e, applyLedgerEvent, new Date()).then(() => undefined)), Promise.resolve());

  const linesOf = async (payeeId: string, period: string) => {
    const statement = await database.dataSource.manager.findOneBy(StatementEntity, { payeeId, period });
    if (!statement) return null;
    const lines = await database.dataSource.manager.find(PayoutLineEntity, { where: { statementId: statement.id }, order: { position: 'ASC' } });
    return { statement, lines };
  };

  beforeAll(async () => {
    testDb = dialect === 'mysql' ? await createTestDatabase('incentives') : undefined;
    database = await openDatabase({ ...(testDb ? { url: testDb.url } : { sqliteFile: ':memory:' }), entities: incentivesEntities, migrations: incentivesMigrations });
    await database.transaction((manager) => seedRules(manager));
    statements = new StatementsService(database, fixedClock('2026-10-05T10:00:00Z'));
    await apply([
      ...PROGRAMS.map((program) => event('program.saved', program.code, program)),
      partner(FR_EXPERT, 'FR-2023', 'EUR'),
      partner(AU_PREMIER, 'AU-2014', 'AUD'),
      partner(AU_REFERRER, 'AU-2014', 'AUD'),
      event('partner.tier_assigned', FR_EXPERT, { partnerId: FR_EXPERT, programCode: 'FR-2023', tierCode: 'EXPERT', effectiveFrom: '2026-01-01' }),
      event('partner.tier_assigned', AU_PREMIER, { partnerId: AU_PREMIER, programCode: 'AU-2014', tierCode: 'ASSOCIATE', effectiveFrom: '2026-01-01' }),
      // Premier from mid-August: deals before count at Associate.
      event('partner.tier_assigned', AU_PREMIER, { partnerId: AU_PREMIER, programCode: 'AU-2014', tierCode: 'PREMIER', effectiveFrom: '2026-08-15' }),
      ...['SALES', 'TECHNICAL'].map((kind, i) =>
        event('partner.certification_added', FR_EXPERT, { partnerId: FR_EXPERT, personId: `person-${i}`, certificationId: newId(), specializationCode: 'NETWORK_SECURITY', kind, validFrom: '2026-01-01', validUntil: '2027-12-31' }),
      ),
    ]);
  });

  afterAll(async () => {
    await database?.dataSource.destroy();
    await testDb?.drop();
  });

  it('has migrations that produce exactly the schema the entities describe', async () => {
    const runner = database.dataSource.createQueryRunner();
    try {
      expect(await pendingSchemaChanges(runner)).toEqual([]);
    } finally {
      await runner.release();
    }
  });

  it('pays worked examples 1 and 3 and the referral fee from the ledger, each deal at its close date\'s tier', async () => {
    const network = newId();
    const early = newId();
    await apply([
      deal('approved', { dealId: network, partnerId: FR_EXPERT, programCode: 'FR-2023', currency: 'EUR', amountMinor: '4000000' }, '2026-07-01T09:00:00Z'),
      deal('won', { dealId: network, partnerId: FR_EXPERT, programCode: 'FR-2023', currency: 'EUR', amountMinor: '4000000', closedAt: '2026-07-20' }, '2026-07-20T09:00:00Z'),
      // Closed while still Associate: no volume rebate base.
      deal('won', { dealId: early, partnerId: AU_PREMIER, programCode: 'AU-2014', currency: 'AUD', amountMinor: '9000000', closedAt: '2026-08-01' }, '2026-08-01T09:00:00Z'),
      deal('won', { dealId: newId(), partnerId: AU_PREMIER, programCode: 'AU-2014', currency: 'AUD', amountMinor: '2000000', closedAt: '2026-08-20', seats: 501, referringPartnerId: AU_REFERRER }, '2026-08-20T09:00:00Z'),
      deal('won', { dealId: newId(), partnerId: AU_PREMIER, programCode: 'AU-2014', currency: 'AUD', amountMinor: '3234000', closedAt: '2026-09-02' }, '2026-09-02T09:00:00Z'),
      deal('won', { dealId: newId(), partnerId: AU_PREMIER, programCode: 'AU-2014', currency: 'AUD', amountMinor: '1000000', closedAt: '2026-09-03', type: 'RENEWAL' }, '2026-09-03T09:00:00Z'),
    ]);
    const result = await statements.compute('2026-Q3');
    expect(result).toMatchObject({ period: '2026-Q3', computed: 3, frozen: 0 });

    const fr = await linesOf(FR_EXPERT, '2026-Q3');
    expect(fr!.lines.map((l) => [l.rule, l.rate, l.amount])).toEqual([['BACK_END_REBATE', '4%', 160_000n]]);
    expect(fr!.statement.total).toBe(160_000n);

    const au = await linesOf(AU_PREMIER, '2026-Q3');
    const volume = au!.lines.find((l) => l.rule === 'VOLUME_REBATE')!;
    expect([volume.base, volume.rate, volume.amount]).toEqual([5_234_000n, '7.5%', 392_550n]);
    expect(volume.explanation).toContain('renewal');

    const referrer = await linesOf(AU_REFERRER, '2026-Q3');
    expect(referrer!.lines.map((l) => [l.rule, l.rate, l.amount])).toEqual([['REFERRAL_FEE', '10%', 200_000n]]);
  });

  it('reports partner metrics for BI: revenue split, deals, payouts and the tier at quarter end', async () => {
    const page = await new MetricsService(database).page({ sub: 'bi', role: 'bi' }, '2026-Q3', { programCode: 'AU-2014' }, { first: 10 });
    const premier = page.nodes.find((m) => m.partnerId === AU_PREMIER)!;
    expect(premier).toMatchObject({
      tierCode: 'PREMIER',
      newBusinessRevenueMinor: 9_000_000n + 2_000_000n + 3_234_000n,
      renewalRevenueMinor: 1_000_000n,
      dealsWon: 4,
      dealsReversed: 0,
      payoutsMinor: 392_550n,
      currency: 'AUD',
    });
    expect(page.nodes.map((m) => m.partnerId).sort()).toEqual([AU_PREMIER, AU_REFERRER].sort());
    const premiers = await new MetricsService(database).page({ sub: 'bi', role: 'bi' }, '2026-Q3', { tierCode: 'PREMIER' }, { first: 10 });
    expect([premiers.totalCount, premiers.nodes.map((m) => m.partnerId)]).toEqual([1, [AU_PREMIER]]);
    // On the quarter's last day of Q2 it was still an Associate.
    expect((await new MetricsService(database).page({ sub: 'bi', role: 'bi' }, '2026-Q2', { tierCode: 'PREMIER' }, { first: 10 })).totalCount).toBe(0);
    await expect(new MetricsService(database).page({ sub: 'x', role: 'distributor', distributorId: 'd' }, '2026-Q3', {}, { first: 10 })).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it('pays a distributor 1 % on sales it fulfilled for Silver/Bronze partners, and an SMB-focused partner a flat 3 % on an enterprise deal instead', async () => {
    const usSilver = newId();
    const usGold = newId();
    const distributor = newId();
    await apply([
      event('program.saved', 'US-2014', { code: 'US-2014', currency: 'USD', noDowngradeUntil: null, tiers: ['BRONZE', 'SILVER', 'GOLD', 'PLATINUM'].map((code, i) => ({ code, name: code, rank: i + 1, minCertifiedStaff: i, minRevenueMinor: '0', capacity: null })), specializations: [] }),
      partner(usSilver, 'US-2014', 'USD'),
      partner(usGold, 'US-2014', 'USD'),
      event('partner.tier_assigned', usSilver, { partnerId: usSilver, programCode: 'US-2014', tierCode: 'SILVER', effectiveFrom: '2026-01-01' }),
      event('partner.tier_assigned', usGold, { partnerId: usGold, programCode: 'US-2014', tierCode: 'GOLD', effectiveFrom: '2026-01-01' }),
      deal('won', { dealId: newId(), partnerId: usSilver, programCode: 'US-2014', currency: 'USD', amountMinor: '5000000', seats: 600, segment: 'ENTERPRISE', distributorId: distributor, closedAt: '2026-08-05' }, '2026-08-05T09:00:00Z'),
      deal('won', { dealId: newId(), partnerId: usGold, programCode: 'US-2014', currency: 'USD', amountMinor: '7000000', distributorId: distributor, closedAt: '2026-08-06' }, '2026-08-06T09:00:00Z'),
    ]);
    await statements.compute('2026-Q3');
    const fulfilled = await linesOf(distributor, '2026-Q3');
    expect(fulfilled!.statement.payeeKind).toBe('DISTRIBUTOR');
    expect(fulfilled!.lines.map((l) => [l.rule, l.rate, l.amount])).toEqual([['DISTRIBUTOR_INCENTIVE', '1%', 50_000n]]);
    const silver = await linesOf(usSilver, '2026-Q3');
    expect(silver!.lines.map((l) => [l.rule, l.rate, l.amount])).toEqual([['SEGMENT_FLAT_REBATE', '3%', 150_000n]]);
    expect(await linesOf(usGold, '2026-Q3')).toBeNull();
  });

  it('recomputes an open statement to identical lines', async () => {
    const before = await linesOf(AU_PREMIER, '2026-Q3');
    await statements.compute('2026-Q3');
    const after = await linesOf(AU_PREMIER, '2026-Q3');
    const shape = (rows: PayoutLineEntity[]) => rows.map(({ id, position, rule, ruleVersion, source, base, rate, amount, explanation }) => ({ id, position, rule, ruleVersion, source, base, rate, amount, explanation }));
    expect(shape(after!.lines)).toEqual(shape(before!.lines));
    expect(after!.statement.id).toBe(before!.statement.id);
  });

  it('claws a reversal after approval back in the next open quarter and leaves the approved statement untouched', async () => {
    const frQ3 = await linesOf(FR_EXPERT, '2026-Q3');
    await database.dataSource.manager.update(StatementEntity, { id: frQ3!.statement.id }, { status: 'APPROVED', approvedAt: new Date(), approvedBy: 'admin' });
    const dealId = frQ3!.lines[0]!.dealId!;
    await apply([deal('reversed', { dealId, partnerId: FR_EXPERT, programCode: 'FR-2023', currency: 'EUR', amountMinor: '4000000', closedAt: '2026-07-20' }, '2026-10-03T09:00:00Z')]);

    expect(await statements.compute('2026-Q3')).toMatchObject({ frozen: 1 });
    const approved = await linesOf(FR_EXPERT, '2026-Q3');
    expect(approved!.lines.map((l) => l.amount)).toEqual([160_000n]);
    expect(approved!.statement.total).toBe(160_000n);

    await statements.compute('2026-Q4');
    const q4 = await linesOf(FR_EXPERT, '2026-Q4');
    expect(q4!.lines.map((l) => [l.rule, l.amount, l.source])).toEqual([['CLAWBACK', -160_000n, `deal:${dealId}`]]);
    expect(q4!.lines[0]!.explanation).toContain('BACK_END_REBATE v1');

    // The Premier partner's volume rebate was approved too; reversing the 32,340.00 deal leaves a
    // base of 20,000.00, under the first band: the whole 3,925.50 comes back.
    const auQ3 = await linesOf(AU_PREMIER, '2026-Q3');
    await database.dataSource.manager.update(StatementEntity, { id: auQ3!.statement.id }, { status: 'APPROVED' });
    const big = await database.dataSource.manager.findOneByOrFail(DealFactEntity, { partnerId: AU_PREMIER, amount: 3_234_000n });
    await apply([deal('reversed', { dealId: big.dealId, partnerId: AU_PREMIER, programCode: 'AU-2014', currency: 'AUD', amountMinor: '3234000', closedAt: '2026-09-02' }, '2026-10-04T09:00:00Z')]);
    await statements.compute('2026-Q4');
    const auQ4 = await linesOf(AU_PREMIER, '2026-Q4');
    expect(auQ4!.lines.map((l) => [l.rule, l.amount, l.source])).toEqual([['CLAWBACK', -392_550n, `quarter:${AU_PREMIER}:2026-Q3`]]);
    expect(auQ4!.lines[0]!.explanation).toContain('VOLUME_REBATE v1');
    expect((await linesOf(AU_PREMIER, '2026-Q3'))!.statement.total).toBe(auQ3!.statement.total);

    // Once the clawback is approved it is not taken again.
    await database.dataSource.manager.update(StatementEntity, { id: q4!.statement.id }, { status: 'APPROVED' });
    await database.dataSource.manager.update(StatementEntity, { id: auQ4!.statement.id }, { status: 'APPROVED' });
    await statements.compute('2027-Q1');
    expect(await linesOf(FR_EXPERT, '2027-Q1')).toBeNull();
    expect(await linesOf(AU_PREMIER, '2027-Q1')).toBeNull();
  });

  it('pays a deal won into an approved quarter after it was computed in the first open quarter, once', async () => {
    // 2026-Q3 and 2026-Q4 of FR_EXPERT are approved (previous test); the win arrives on 6 October, backdated into August.
    const facts = { dealId: newId(), partnerId: FR_EXPERT, programCode: 'FR-2023', currency: 'EUR', amountMinor: '1000000', closedAt: '2026-08-30' };
    await apply([deal('approved', facts, '2026-10-06T08:00:00Z'), deal('won', facts, '2026-10-06T09:00:00Z')]);
    await statements.compute('2027-Q1');
    const q1 = await linesOf(FR_EXPERT, '2027-Q1');
    expect(q1!.lines.map((l) => [l.rule, l.amount, l.source])).toEqual([['BACK_END_REBATE', 40_000n, `deal:${facts.dealId}`]]);
    expect(q1!.lines[0]!.explanation).toMatch(/^Late: closed 2026-08-30 after the 2026-Q3 statement was computed/);
    expect((await linesOf(FR_EXPERT, '2026-Q3'))!.lines).toHaveLength(1);

    await statements.compute('2027-Q1');
    expect((await linesOf(FR_EXPERT, '2027-Q1'))!.lines).toHaveLength(1);
    await database.dataSource.manager.update(StatementEntity, { id: q1!.statement.id }, { status: 'APPROVED' });
    await statements.compute('2027-Q2');
    expect(await linesOf(FR_EXPERT, '2027-Q2')).toBeNull();
  });
  it('lets two computations of one quarter run at once and writes each statement once', async () => {
    const facts = { dealId: newId(), partnerId: FR_EXPERT, programCode: 'FR-2023', currency: 'EUR', amountMinor: '2000000', closedAt: '2027-07-10' };
    await apply([deal('approved', facts, '2027-07-01T08:00:00Z'), deal('won', facts, '2027-07-10T09:00:00Z')]);
    const results = await Promise.all([statements.compute('2027-Q3'), statements.compute('2027-Q3')]);
    expect(results.map((r) => r.computed)).toEqual([1, 1]);
    expect(await database.dataSource.manager.countBy(StatementEntity, { payeeId: FR_EXPERT, period: '2027-Q3' })).toBe(1);
    expect((await linesOf(FR_EXPERT, '2027-Q3'))!.lines.map((l) => l.amount)).toEqual([80_000n]);
  });
});
