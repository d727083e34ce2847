import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Claims } from '@hub/auth';
import { newId, type Database } from '@hub/db';
import { adjustableClock } from '@hub/domain';
import { applyOnce, InProcessBus } from '@hub/events';
import { createTestDatabase, subgraphClient, tableRowCounts, type GraphQLResponse, type TestDatabase } from '@hub/testing';
import { createIncentivesServer, openIncentivesDatabase } from './server';
import { applyLedgerEvent, LEDGER_CONSUMER } from './services/ledger.consumer';
import { deal, event, partner, PROGRAMS } from './test/ledger-events';

/*
 * Every incentives mutation (subgraphs/incentives/schema.graphql) with its bad input: the
 * answer carries the code (and the field, for BAD_USER_INPUT), and no table — ledger,
 * statements and their lines, MDF allocations, requests and claims, the outbox — has one row
 * more or less than before, on MariaDB and on SQLite.
 */

const SECRET = 'integration-test-gateway-secret-0123456789';
const admin: Claims = { sub: 'admin@vendor', role: 'vendor_admin' };
const AU_PREMIER = newId();
const FR_SELLER = newId();
const me: Claims = { sub: 'user@premier', role: 'partner', partnerId: AU_PREMIER };

const ALLOCATE = 'mutation ($p: ID!, $period: String!, $amount: String!) { allocateMdf(partnerId: $p, period: $period, amount: $amount) { id } }';
const REQUEST = 'mutation ($input: MdfRequestInput!) { requestMdf(input: $input) { id } }';
const DECIDE_REQUEST = 'mutation ($id: ID!, $approve: Boolean!, $note: String) { decideMdfRequest(id: $id, approve: $approve, note: $note) { id } }';
const CLAIM = 'mutation ($input: MdfClaimInput!) { claimMdf(input: $input) { id } }';
const DECIDE_CLAIM = 'mutation ($id: ID!, $approve: Boolean!, $note: String) { decideMdfClaim(id: $id, approve: $approve, note: $note) { id } }';
const COMPUTE = 'mutation ($period: String!) { computeStatements(period: $period) { id status } }';
const APPROVE = 'mutation ($id: ID!) { approveStatement(id: $id) { id } }';
const PAID = 'mutation ($id: ID!, $reference: String!) { markStatementPaid(id: $id, reference: $reference) { id } }';
const PUBLISH = 'mutation ($input: PublishIncentiveRuleInput!) { publishIncentiveRule(input: $input) { id } }';
const RETIRE = 'mutation ($id: ID!, $to: Date!) { retireIncentiveRule(id: $id, effectiveTo: $to) { id } }';

interface Fixtures {
  pendingRequest: string;
  approvedRequest: string;
  pendingClaim: string;
  openStatement: string;
  /** FR-2023's FRONT_END_DISCOUNT v1, in effect from 2023-01-01. */
  frontEndRule: string;
}

interface Case {
  mutation: string;
  name: string;
  query: string;
  variables: (f: Fixtures) => Record<string, unknown>;
  code: string;
  field?: string;
  claims?: Claims;
}

const allocate = (name: string, field: string, args: Record<string, unknown>): Case => ({
  mutation: 'allocateMdf',
  name,
  query: ALLOCATE,
  variables: () => ({ p: AU_PREMIER, period: '2026-Q3', amount: '2000.00', ...args }),
  code: 'BAD_USER_INPUT',
  field,
});
const request = (name: string, field: string | undefined, input: Record<string, unknown>, code = 'BAD_USER_INPUT'): Case => ({
  mutation: 'requestMdf',
  name,
  query: REQUEST,
  variables: () => ({ input: { partnerId: AU_PREMIER, period: '2026-Q3', amount: '10.00', activity: 'Trade show', ...input } }),
  code,
  field,
  claims: me,
});
const claim = (name: string, field: string | undefined, input: Record<string, unknown>, code = 'BAD_USER_INPUT'): Case => ({
  mutation: 'claimMdf',
  name,
  query: CLAIM,
  variables: (f) => ({ input: { requestId: f.approvedRequest, amount: '10.00', proofOfPerformance: 'invoice 42', ...input } }),
  code,
  field,
  claims: me,
});

const publish = (name: string, field: string | undefined, input: Record<string, unknown>, code = 'BAD_USER_INPUT'): Case => ({
  mutation: 'publishIncentiveRule',
  name,
  query: PUBLISH,
  variables: () => ({ input: { programCode: 'FR-2023', kind: 'FRONT_END_DISCOUNT', effectiveFrom: '2026-10-01', parameters: '{"newBusinessRates":{"EXPERT":"17.5%"},"renewalRate":"5%"}', ...input } }),
  code,
  field,
});

const CASES: Case[] = [
  allocate('an amount beyond 2^53 − 1 minor units', 'amount', { amount: '90071992547409.92' }),
  allocate('an amount of 10^21', 'amount', { amount: '1000000000000000000000' }),
  allocate('a negative amount', 'amount', { amount: '-1.00' }),
  allocate('a period in 9999', 'period', { period: '9999-Q1' }),
  allocate('a period that is no quarter', 'period', { period: '2026-Q5' }),
  allocate('an unknown partner', 'partnerId', { p: newId() }),
  request('an amount beyond 2^53 − 1 minor units', 'amount', { amount: '90071992547409.93' }),
  request('a fraction of a cent', 'amount', { amount: '1.005' }),
  request('a period in 2101', 'period', { period: '2101-Q1' }),
  request('an activity of 1001 characters', 'activity', { activity: 'a'.repeat(1001) }),
  request('more than the balance', undefined, { amount: '1000000.00' }, 'INCENTIVES.MDF_INSUFFICIENT_BALANCE'),
  { mutation: 'decideMdfRequest', name: 'a note of 1001 characters', query: DECIDE_REQUEST, variables: (f) => ({ id: f.pendingRequest, approve: true, note: 'n'.repeat(1001) }), code: 'BAD_USER_INPUT', field: 'note' },
  { mutation: 'decideMdfRequest', name: 'an unknown request', query: DECIDE_REQUEST, variables: () => ({ id: newId(), approve: true }), code: 'NOT_FOUND' },
  { mutation: 'decideMdfRequest', name: 'a second decision', query: DECIDE_REQUEST, variables: (f) => ({ id: f.approvedRequest, approve: false }), code: 'INCENTIVES.INVALID_STATE' },
  claim('an amount beyond 2^53 − 1 minor units', 'amount', { amount: '90071992547409.92' }),
  claim('zero', 'amount', { amount: '0.00' }),
  claim('no proof of performance', 'proofOfPerformance', { proofOfPerformance: ' ' }),
  claim('an unknown request', 'requestId', { requestId: newId() }),
  claim('more than the request has left', undefined, { amount: '100.01' }, 'INCENTIVES.MDF_CLAIM_EXCEEDS_REQUEST'),
  { mutation: 'decideMdfClaim', name: 'a note of 1001 characters', query: DECIDE_CLAIM, variables: (f) => ({ id: f.pendingClaim, approve: true, note: 'n'.repeat(1001) }), code: 'BAD_USER_INPUT', field: 'note' },
  { mutation: 'decideMdfClaim', name: 'an unknown claim', query: DECIDE_CLAIM, variables: () => ({ id: newId(), approve: true }), code: 'NOT_FOUND' },
  { mutation: 'computeStatements', name: 'a period in 9999', query: COMPUTE, variables: () => ({ period: '9999-Q4' }), code: 'BAD_USER_INPUT', field: 'period' },
  { mutation: 'computeStatements', name: 'a period that is no quarter', query: COMPUTE, variables: () => ({ period: 'last quarter' }), code: 'BAD_USER_INPUT', field: 'period' },
  { mutation: 'approveStatement', name: 'an unknown statement', query: APPROVE, variables: () => ({ id: newId() }), code: 'NOT_FOUND' },
  { mutation: 'markStatementPaid', name: 'a blank reference', query: PAID, variables: (f) => ({ id: f.openStatement, reference: '  ' }), code: 'BAD_USER_INPUT', field: 'reference' },
  { mutation: 'markStatementPaid', name: 'a reference of 201 characters', query: PAID, variables: (f) => ({ id: f.openStatement, reference: 'r'.repeat(201) }), code: 'BAD_USER_INPUT', field: 'reference' },
  publish('a rate that is no rate', 'parameters.newBusinessRates.GOLD', { parameters: '{"newBusinessRates":{"GOLD":"lots"},"renewalRate":"5%"}' }),
  publish('a rate above 100 %', 'parameters.renewalRate', { parameters: '{"newBusinessRates":{},"renewalRate":"105%"}' }),
  publish('a missing parameter', 'parameters.renewalRate', { parameters: '{"newBusinessRates":{}}' }),
  publish('parameters that are not JSON', 'parameters', { parameters: '{newBusinessRates' }),
  publish('an unknown program', 'programCode', { programCode: 'XX-1999' }),
  publish('a date that is no date', 'effectiveFrom', { effectiveFrom: '2026-02-30' }),
  publish('a first day not after the version in effect', 'effectiveFrom', { effectiveFrom: '2022-12-31' }),
  publish('a first day in a quarter with an approved statement', undefined, { effectiveFrom: '2026-02-15' }, 'INCENTIVES.PERIOD_CLOSED'),
  { mutation: 'retireIncentiveRule', name: 'an unknown rule', query: RETIRE, variables: () => ({ id: newId(), to: '2026-12-31' }), code: 'NOT_FOUND' },
  { mutation: 'retireIncentiveRule', name: 'an end before its first day', query: RETIRE, variables: (f) => ({ id: f.frontEndRule, to: '2022-12-31' }), code: 'BAD_USER_INPUT', field: 'effectiveTo' },
  { mutation: 'retireIncentiveRule', name: 'an end in a quarter with an approved statement', query: RETIRE, variables: (f) => ({ id: f.frontEndRule, to: '2026-01-31' }), code: 'INCENTIVES.PERIOD_CLOSED' },
  { mutation: 'markStatementPaid', name: 'a statement not yet approved', query: PAID, variables: (f) => ({ id: f.openStatement, reference: 'SEPA-1' }), code: 'INCENTIVES.INVALID_TRANSITION' },
  { mutation: 'retryIncentivesParkedEvent', name: 'an unknown parked event', query: 'mutation ($id: ID!) { retryIncentivesParkedEvent(id: $id) { id } }', variables: () => ({ id: newId() }), code: 'NOT_FOUND' },
];

describe.each(['mysql', 'sqlite'] as const)('incentives mutations refused on %s write nothing', (dialect) => {
  const clock = adjustableClock('2026-07-10T10:00:00Z');
  let testDb: TestDatabase | undefined;
  let database: Database;
  let bus: InProcessBus;
  let close: () => Promise<void>;
  let call: ReturnType<typeof subgraphClient>;
  let fixtures: Fixtures;

  async function made(response: Promise<GraphQLResponse>, field: string): Promise<string> {
    const { data, errors } = await response;
    expect(errors, JSON.stringify(errors)).toBeUndefined();
    return (data![field] as { id: string }).id;
  }

  beforeAll(async () => {
    testDb = dialect === 'mysql' ? await createTestDatabase('incentives_bad_input') : undefined;
    database = await openIncentivesDatabase(testDb ? { url: testDb.url } : { sqliteFile: ':memory:' });
    bus = new InProcessBus();
    const server = await createIncentivesServer({ database, bus, gatewaySecret: SECRET, clock });
    const facts = [
      ...PROGRAMS.map((program) => event('program.saved', program.code, program)),
      partner(AU_PREMIER, 'AU-2014', 'AUD'),
      event('partner.tier_assigned', AU_PREMIER, { partnerId: AU_PREMIER, programCode: 'AU-2014', tierCode: 'PREMIER', effectiveFrom: '2026-01-01' }),
      partner(FR_SELLER, 'FR-2023', 'EUR'),
      event('partner.tier_assigned', FR_SELLER, { partnerId: FR_SELLER, programCode: 'FR-2023', tierCode: 'EXPERT', effectiveFrom: '2026-01-01' }),
      ...(['approved', 'won'] as const).map((kind) =>
        deal(kind, { dealId: 'deal-q2', partnerId: FR_SELLER, programCode: 'FR-2023', currency: 'EUR', amountMinor: '5000000', closedAt: '2026-05-01' }, '2026-05-01T09:00:00Z'),
      ),
      ...(['approved', 'won'] as const).map((kind) =>
        deal(kind, { dealId: 'deal-q1', partnerId: FR_SELLER, programCode: 'FR-2023', currency: 'EUR', amountMinor: '3000000', closedAt: '2026-02-01' }, '2026-02-01T09:00:00Z'),
      ),
    ];
    for (const fact of facts) await applyOnce(database, LEDGER_CONSUMER, fact, applyLedgerEvent, new Date());
    const running = await server.start(0, '127.0.0.1');
    call = subgraphClient(running.url, SECRET);
    close = running.close;

    await made(call(admin, ALLOCATE, { p: AU_PREMIER, period: '2026-Q3', amount: '1000.00' }), 'allocateMdf');
    const requested = () => made(call(me, REQUEST, { input: { partnerId: AU_PREMIER, period: '2026-Q3', amount: '100.00', activity: 'Webinar' } }), 'requestMdf');
    const [pendingRequest, approvedRequest] = [await requested(), await requested()];
    await made(call(admin, DECIDE_REQUEST, { id: approvedRequest, approve: true }), 'decideMdfRequest');
    const pendingClaim = await made(call(me, CLAIM, { input: { requestId: approvedRequest, amount: '40.00', proofOfPerformance: 'invoice 1' } }), 'claimMdf');
    const computing = await call<{ computeStatements: { id: string } }>(admin, COMPUTE, { period: '2026-Q2' });
    expect(computing.errors).toBeUndefined();
    await server.jobs.runner.settled(computing.data!.computeStatements.id);
    const statements = await call<{ statements: { edges: { node: { id: string } }[] } }>(admin, '{ statements(filter: { period: "2026-Q2" }, first: 5) { edges { node { id } } } }');
    // FR-2023's first quarter is approved: no rule of the program may change in it any more.
    const q1 = await call<{ computeStatements: { id: string } }>(admin, COMPUTE, { period: '2026-Q1' });
    await server.jobs.runner.settled(q1.data!.computeStatements.id);
    const q1Statement = await call<{ statement: { id: string } }>(admin, 'query ($p: ID!) { statement(payeeId: $p, period: "2026-Q1") { id } }', { p: FR_SELLER });
    await made(call(admin, APPROVE, { id: q1Statement.data!.statement.id }), 'approveStatement');
    const rules = await call<{ incentiveRules: { id: string; kind: string }[] }>(admin, '{ incentiveRules(programCode: "FR-2023") { id kind } }');
    const frontEndRule = rules.data!.incentiveRules.find((rule) => rule.kind === 'FRONT_END_DISCOUNT')!.id;
    fixtures = { pendingRequest, approvedRequest, pendingClaim, openStatement: statements.data!.statements.edges[0]!.node.id, frontEndRule };
  });

  afterAll(async () => {
    await close?.();
    await bus?.close();
    await database?.dataSource.destroy();
    await testDb?.drop();
  });

  it.each(CASES.map((c) => [c.mutation, c.name, c] as const))('%s with %s', async (_mutation, _name, c) => {
    const before = await tableRowCounts(database.dataSource);
    const result = await call(c.claims ?? admin, c.query, c.variables(fixtures));
    expect(result.errors?.[0]?.extensions, JSON.stringify(result.errors)).toMatchObject(c.field ? { code: c.code, field: c.field } : { code: c.code });
    expect(result.data ?? null).toBeNull();
    expect(await tableRowCounts(database.dataSource)).toEqual(before);
  });

  it('covers every mutation of the incentives schema', async () => {
    const { data } = await call<{ __schema: { mutationType: { fields: { name: string }[] } } }>(admin, '{ __schema { mutationType { fields { name } } } }');
    expect([...new Set(CASES.map((c) => c.mutation))].sort()).toEqual(data!.__schema.mutationType.fields.map((f) => f.name).sort());
  });
});
