import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Claims } from '@hub/auth';
import { AuditEventEntity, newId, type Database } from '@hub/db';
import { fixedClock } from '@hub/domain';
import { applyOnce, InProcessBus } from '@hub/events';
import { createTestDatabase, subgraphClient, tableRowCounts, type TestDatabase } from '@hub/testing';
import { createIncentivesServer, openIncentivesDatabase } from './server';
import { applyLedgerEvent, LEDGER_CONSUMER } from './services/ledger.consumer';
import { deal, event, partner, PROGRAMS } from './test/ledger-events';

/*
 * Rules through the API: publishIncentiveRule and retireIncentiveRule change the rule book for
 * the next computation and never an approved quarter; simulateStatements shows a draft's effect
 * without writing, and agrees to the cent with the computation once the draft is published.
 */

const SECRET = 'integration-test-gateway-secret-0123456789';
const admin: Claims = { sub: 'admin@vendor', role: 'vendor_admin' };
const FR_A = newId();
const FR_B = newId();
const AU_PREMIER = newId();

const PUBLISH = 'mutation ($input: PublishIncentiveRuleInput!) { publishIncentiveRule(input: $input) { id programCode kind version effectiveFrom effectiveTo parameters } }';
const RETIRE = 'mutation ($id: ID!, $to: Date!) { retireIncentiveRule(id: $id, effectiveTo: $to) { id version effectiveTo } }';
const RULES = 'query ($program: String!) { incentiveRules(programCode: $program) { id kind version effectiveFrom effectiveTo parameters } }';
const COMPUTE = 'mutation ($period: String!) { computeStatements(period: $period) { id } }';
const STATEMENTS = 'query ($period: String!) { statements(filter: { period: $period }, first: 50) { edges { node { id status payee { ... on Partner { id } ... on Distributor { id } } total { amount currency } lines { rule ruleVersion rate amount { amount } } } } } }';
const SIMULATE = `query ($period: String!, $drafts: [PublishIncentiveRuleInput!]!) { simulateStatements(period: $period, draftRules: $drafts) {
  period
  payees { payee { ... on Partner { id } ... on Distributor { id } } status current { amount currency } simulated { amount } difference { amount } }
  totals { current { amount currency } simulated { amount } difference { amount } }
  byRuleKind { kind current { amount currency } simulated { amount } difference { amount } }
} }`;

interface StatementNode {
  id: string;
  status: string;
  payee: { id: string };
  total: { amount: string; currency: string };
  lines: { rule: string; ruleVersion: number; rate: string; amount: { amount: string } }[];
}
interface Money {
  amount: string;
  currency: string;
}
interface Simulation {
  period: string;
  payees: { payee: { id: string }; status: string | null; current: Money; simulated: { amount: string }; difference: { amount: string } }[];
  totals: { current: Money; simulated: { amount: string }; difference: { amount: string } }[];
  byRuleKind: { kind: string; current: Money; simulated: { amount: string }; difference: { amount: string } }[];
}

const backEnd = (baseRate: string, effectiveFrom: string) => ({
  programCode: 'FR-2023',
  kind: 'BACK_END_REBATE',
  effectiveFrom,
  parameters: JSON.stringify({ baseRate, specializationUplift: '2%', specializationByProductLine: { NETWORK: 'NETWORK_SECURITY' } }),
});
const volume = (effectiveFrom: string) => ({
  programCode: 'AU-2014',
  kind: 'VOLUME_REBATE',
  effectiveFrom,
  parameters: JSON.stringify({ eligibleTiers: ['PREMIER', 'NATIONAL'], bands: [{ fromMinor: '1000000', rate: '4%' }, { fromMinor: '5000000', rate: '8%' }] }),
});

describe.each(['mysql', 'sqlite'] as const)('incentive rules through the API on %s', (dialect) => {
  let testDb: TestDatabase | undefined;
  let database: Database;
  let bus: InProcessBus;
  let close: () => Promise<void>;
  let call: ReturnType<typeof subgraphClient>;
  let compute: (period: string) => Promise<void>;

  const ok = async <T>(response: Promise<{ data?: T | null; errors?: unknown[] }>): Promise<T> => {
    const { data, errors } = await response;
    expect(errors, JSON.stringify(errors)).toBeUndefined();
    return data!;
  };
  const statements = async (period: string) => (await ok(call<{ statements: { edges: { node: StatementNode }[] } }>(admin, STATEMENTS, { period }))).statements.edges.map((e) => e.node);
  const simulate = async (period: string, drafts: unknown[]) => (await ok(call<{ simulateStatements: Simulation }>(admin, SIMULATE, { period, drafts }))).simulateStatements;

  beforeAll(async () => {
    testDb = dialect === 'mysql' ? await createTestDatabase('incentives_rules_api') : undefined;
    database = await openIncentivesDatabase(testDb ? { url: testDb.url } : { sqliteFile: ':memory:' });
    bus = new InProcessBus();
    const server = await createIncentivesServer({ database, bus, gatewaySecret: SECRET, clock: fixedClock('2027-01-10T10:00:00Z') });
    const won = (dealId: string, partnerId: string, programCode: string, currency: string, amountMinor: string, closedAt: string) =>
      (['approved', 'won'] as const).map((kind) => deal(kind, { dealId, partnerId, programCode, currency, amountMinor, closedAt }, `${closedAt}T09:00:00Z`));
    const facts = [
      ...PROGRAMS.map((program) => event('program.saved', program.code, program)),
      partner(FR_A, 'FR-2023', 'EUR'),
      partner(FR_B, 'FR-2023', 'EUR'),
      partner(AU_PREMIER, 'AU-2014', 'AUD'),
      ...[FR_A, FR_B].map((id) => event('partner.tier_assigned', id, { partnerId: id, programCode: 'FR-2023', tierCode: 'EXPERT', effectiveFrom: '2026-01-01' })),
      event('partner.tier_assigned', AU_PREMIER, { partnerId: AU_PREMIER, programCode: 'AU-2014', tierCode: 'PREMIER', effectiveFrom: '2026-01-01' }),
      ...won('fr-a-q3', FR_A, 'FR-2023', 'EUR', '4000000', '2026-08-14'),
      ...won('fr-a-q4', FR_A, 'FR-2023', 'EUR', '1000000', '2026-11-02'),
      ...won('fr-b-q4', FR_B, 'FR-2023', 'EUR', '2500000', '2026-12-01'),
      ...won('au-q4-1', AU_PREMIER, 'AU-2014', 'AUD', '2000000', '2026-10-20'),
      ...won('au-q4-2', AU_PREMIER, 'AU-2014', 'AUD', '1500000', '2026-11-20'),
    ];
    for (const fact of facts) await applyOnce(database, LEDGER_CONSUMER, fact, applyLedgerEvent, new Date());
    const running = await server.start(0, '127.0.0.1');
    call = subgraphClient(running.url, SECRET);
    close = running.close;
    compute = async (period) => {
      const { computeStatements } = await ok(call<{ computeStatements: { id: string } }>(admin, COMPUTE, { period }));
      await server.jobs.runner.settled(computeStatements.id);
    };
    await compute('2026-Q3');
    const [q3] = await statements('2026-Q3');
    await ok(call(admin, 'mutation ($id: ID!) { approveStatement(id: $id) { id } }', { id: q3!.id }));
    await compute('2026-Q4');
  });

  afterAll(async () => {
    await close?.();
    await bus?.close();
    await database?.dataSource.destroy();
    await testDb?.drop();
  });

  it('refuses parameters the kind does not accept, naming each parameter, and writes nothing', async () => {
    const before = await tableRowCounts(database.dataSource);
    const bad = { ...backEnd('2%', '2027-01-01'), kind: 'FRONT_END_DISCOUNT', parameters: JSON.stringify({ newBusinessRates: { EXPERT: '17.5%', GOLD: 'lots' }, renewalRate: '5%' }) };
    const result = await call(admin, PUBLISH, { input: bad });
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'parameters.newBusinessRates.GOLD' });
    const bands = await call(admin, PUBLISH, { input: { ...volume('2027-01-01'), parameters: JSON.stringify({ eligibleTiers: ['PREMIER'], bands: [{ fromMinor: '100', rate: '5%' }, { fromMinor: '50', rate: '150%' }] }) } });
    expect(bands.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'parameters.bands[1].rate' });
    expect(bands.errors?.[0]?.message).toContain('parameters.bands[1].fromMinor');
    const unknownKey = await call(admin, PUBLISH, { input: { ...backEnd('2%', '2027-01-01'), parameters: JSON.stringify({ baseRate: '2%', specializationUplift: '2%', specializationByProductLine: {}, upliftRate: '1%' }) } });
    expect(unknownKey.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'parameters' });
    expect(await tableRowCounts(database.dataSource)).toEqual(before);
  });

  it('refuses a version taking effect in a quarter whose statements of the program are approved, and writes nothing', async () => {
    const before = await tableRowCounts(database.dataSource);
    const result = await call(admin, PUBLISH, { input: backEnd('3%', '2026-09-01') });
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'INCENTIVES.PERIOD_CLOSED', field: 'effectiveFrom', period: '2026-Q3' });
    expect(await tableRowCounts(database.dataSource)).toEqual(before);
  });

  it('refuses a bad draft naming it and its parameter, and writes nothing', async () => {
    const before = await tableRowCounts(database.dataSource);
    const result = await call(admin, SIMULATE, { period: '2026-Q4', drafts: [backEnd('3%', '2026-10-01'), { ...volume('2026-10-01'), parameters: JSON.stringify({ eligibleTiers: ['PREMIER'], bands: [{ fromMinor: '1000000', rate: '4 %%' }] }) }] });
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'draftRules[1].parameters.bands[0].rate' });
    const early = await call(admin, SIMULATE, { period: '2026-Q4', drafts: [backEnd('3%', '2022-12-31')] });
    expect(early.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'draftRules[0].effectiveFrom' });
    expect(await tableRowCounts(database.dataSource)).toEqual(before);
  });

  it("simulates a quarter under draft rules without writing a row, per payee, in total and per rule kind", async () => {
    const before = await tableRowCounts(database.dataSource);
    const simulation = await simulate('2026-Q4', [backEnd('3%', '2026-10-01'), volume('2026-10-01')]);
    expect(await tableRowCounts(database.dataSource)).toEqual(before);

    // Published: back-end 2 % of 10,000.00 and 25,000.00; volume 5 % needs 30,000.00 AUD, the partner sold 35,000.00.
    // Draft: back-end 3 %; volume 4 % from 10,000.00, 8 % from 50,000.00.
    const amounts = Object.fromEntries(simulation.payees.map((p) => [p.payee.id, [p.current.amount, p.simulated.amount, p.difference.amount]]));
    expect(amounts).toEqual({ [FR_A]: ['200.00', '300.00', '100.00'], [FR_B]: ['500.00', '750.00', '250.00'], [AU_PREMIER]: ['1750.00', '1400.00', '-350.00'] });
    expect(simulation.totals.map((t) => [t.current.currency, t.current.amount, t.simulated.amount, t.difference.amount])).toEqual([
      ['AUD', '1750.00', '1400.00', '-350.00'],
      ['EUR', '700.00', '1050.00', '350.00'],
    ]);
    expect(simulation.byRuleKind.map((k) => [k.kind, k.current.currency, k.simulated.amount])).toEqual([
      ['BACK_END_REBATE', 'EUR', '1050.00'],
      ['VOLUME_REBATE', 'AUD', '1400.00'],
    ]);
  });

  it('agrees to the cent with the computation once the same rules are published, which leaves the approved quarter untouched', async () => {
    const drafts = [backEnd('3%', '2026-10-01'), volume('2026-10-01')];
    const simulation = await simulate('2026-Q4', drafts);
    const q3Before = await statements('2026-Q3');
    const audited = await database.dataSource.manager.count(AuditEventEntity);

    const published = [];
    for (const input of drafts) published.push((await ok(call<{ publishIncentiveRule: { version: number; effectiveFrom: string; effectiveTo: string | null } }>(admin, PUBLISH, { input }))).publishIncentiveRule);
    expect(published.map((r) => [r.version, r.effectiveFrom, r.effectiveTo])).toEqual([
      [2, '2026-10-01', null],
      [2, '2026-10-01', null],
    ]);
    expect(await database.dataSource.manager.count(AuditEventEntity)).toBe(audited + 2);
    const { incentiveRules } = await ok(call<{ incentiveRules: { kind: string; version: number; effectiveTo: string | null }[] }>(admin, RULES, { program: 'FR-2023' }));
    expect(incentiveRules.filter((r) => r.kind === 'BACK_END_REBATE').map((r) => [r.version, r.effectiveTo])).toEqual([
      [1, '2026-09-30'],
      [2, null],
    ]);

    await compute('2026-Q4');
    await compute('2026-Q3');
    const q4 = await statements('2026-Q4');
    const totals = new Map<string, bigint>();
    const byKind = new Map<string, bigint>();
    const cents = (amount: string) => BigInt(amount.replace('.', ''));
    for (const st of q4) {
      totals.set(st.total.currency, (totals.get(st.total.currency) ?? 0n) + cents(st.total.amount));
      for (const line of st.lines) byKind.set(`${line.rule}:${st.total.currency}`, (byKind.get(`${line.rule}:${st.total.currency}`) ?? 0n) + cents(line.amount.amount));
    }
    expect(simulation.totals.map((t) => [t.current.currency, cents(t.simulated.amount)])).toEqual([...totals].sort());
    expect(simulation.byRuleKind.map((k) => [`${k.kind}:${k.current.currency}`, cents(k.simulated.amount)])).toEqual([...byKind].sort());
    expect(q4.flatMap((st) => st.lines.map((l) => [l.rule, l.ruleVersion, l.rate])).sort()).toEqual([
      ['BACK_END_REBATE', 2, '3%'],
      ['BACK_END_REBATE', 2, '3%'],
      ['VOLUME_REBATE', 2, '4%'],
    ]);
    expect(await statements('2026-Q3')).toEqual(q3Before);
    expect(q3Before[0]!.lines.map((l) => [l.rule, l.ruleVersion, l.rate])).toEqual([['BACK_END_REBATE', 1, '2%']]);
  });

  it('keeps approved statements as they are in a simulation: current equals simulated for them', async () => {
    const simulation = await simulate('2026-Q3', [backEnd('9%', '2027-01-01')]);
    expect(simulation.payees.map((p) => [p.payee.id, p.status, p.current.amount, p.simulated.amount])).toEqual([[FR_A, 'APPROVED', '800.00', '800.00']]);
  });

  it('retires the latest version: the next computation has no rule of that kind, and a version is not retired into an approved quarter', async () => {
    const { incentiveRules } = await ok(call<{ incentiveRules: { id: string; kind: string; version: number }[] }>(admin, RULES, { program: 'AU-2014' }));
    const latest = incentiveRules.find((r) => r.kind === 'VOLUME_REBATE' && r.version === 2)!;
    const first = incentiveRules.find((r) => r.kind === 'VOLUME_REBATE' && r.version === 1)!;
    const refused = await call(admin, RETIRE, { id: first.id, to: '2027-06-30' });
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });
    const retired = await ok(call<{ retireIncentiveRule: { version: number; effectiveTo: string } }>(admin, RETIRE, { id: latest.id, to: '2026-10-31' }));
    expect(retired.retireIncentiveRule).toMatchObject({ version: 2, effectiveTo: '2026-10-31' });
    await compute('2026-Q4');
    expect((await statements('2026-Q4')).flatMap((st) => st.lines.map((l) => l.rule))).not.toContain('VOLUME_REBATE');

    const frA = (await statements('2026-Q4')).find((st) => st.payee.id === FR_A)!;
    await ok(call(admin, 'mutation ($id: ID!) { approveStatement(id: $id) { id } }', { id: frA.id }));
    const { incentiveRules: fr } = await ok(call<{ incentiveRules: { id: string; kind: string; version: number }[] }>(admin, RULES, { program: 'FR-2023' }));
    const closed = await call(admin, RETIRE, { id: fr.find((r) => r.kind === 'BACK_END_REBATE' && r.version === 2)!.id, to: '2026-11-30' });
    expect(closed.errors?.[0]?.extensions).toMatchObject({ code: 'INCENTIVES.PERIOD_CLOSED', field: 'effectiveTo' });
  });
});
