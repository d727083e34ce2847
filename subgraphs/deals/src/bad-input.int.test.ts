import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Claims } from '@hub/auth';
import { newId, type Database } from '@hub/db';
import { addDays, adjustableClock } from '@hub/domain';
import { InProcessBus, type DomainEvent } from '@hub/events';
import { createTestDatabase, subgraphClient, tableRowCounts, type GraphQLResponse, type TestDatabase } from '@hub/testing';
import { DistributorRefEntity, PartnerRefEntity } from './entities';
import { createDealsServer, openDealsDatabase } from './server';
import { receiveTestCatalog, SKU } from './int-test-catalog';

/*
 * Every deals mutation (subgraphs/deals/schema.graphql) with its bad input: the answer carries
 * the code (and the field, for BAD_USER_INPUT), and no table — deals, lines, locks, webhooks,
 * the outbox — has one row more or less than before, on MariaDB and on SQLite.
 */

const SECRET = 'integration-test-gateway-secret-0123456789';
const DAY0 = '2026-06-15';
const PARTNER = newId();
const OTHER_PARTNER = newId();
const DISTRIBUTOR = newId();
const admin: Claims = { sub: 'admin@vendor', role: 'vendor_admin' };
const distributor: Claims = { sub: 'api@distri', role: 'distributor', distributorId: DISTRIBUTOR };

function fact(type: string, aggregateId: string, payload: unknown): DomainEvent {
  return { id: newId(), type, version: 1, occurredAt: `${DAY0}T08:00:00.000Z`, source: 'partners', aggregateId, payload };
}

const partnerFact = (partnerId: string, name: string) =>
  fact('partner.created', partnerId, { partnerId, name, country: 'FR', programCode: 'FR-2023', currency: 'EUR', status: 'ACTIVE', segmentFocus: 'SMB', businessModels: ['RESELLER'], distributorIds: [DISTRIBUTOR] });

const FACTS = [
  fact('distributor.saved', DISTRIBUTOR, { distributorId: DISTRIBUTOR, name: 'Distri', countries: ['FR'], handlesRenewals: true, usageBasedProgram: false }),
  partnerFact(PARTNER, 'Alpha'),
  partnerFact(OTHER_PARTNER, 'Beta'),
];

const REGISTER = 'mutation ($input: RegisterDealInput!) { registerDeal(input: $input) { id } }';
const BY_ID: Record<string, string> = {
  approveDeal: 'mutation ($id: ID!) { approveDeal(id: $id) { id } }',
  withdrawDeal: 'mutation ($id: ID!) { withdrawDeal(id: $id) { id } }',
  disableWebhook: 'mutation ($id: ID!) { disableWebhook(id: $id) { id } }',
  rotateWebhookSecret: 'mutation ($id: ID!) { rotateWebhookSecret(id: $id) { secret } }',
  testWebhook: 'mutation ($id: ID!) { testWebhook(id: $id) { id } }',
};
const WITH_REASON = (field: string) => `mutation ($id: ID!, $reason: String!) { ${field}(id: $id, reason: $reason) { id } }`;
const EXTEND = 'mutation ($id: ID!, $days: Int!) { extendDeal(id: $id, days: $days) { id } }';
const WON = 'mutation ($id: ID!, $closedAt: Date!) { markDealWon(id: $id, closedAt: $closedAt) { id } }';
const RESOLVE = 'mutation ($dealId: ID!, $winnerDealId: ID!) { resolveConflict(dealId: $dealId, winnerDealId: $winnerDealId) { id } }';
const WEBHOOK = 'mutation ($url: String!, $distributorId: ID) { registerWebhook(url: $url, distributorId: $distributorId) { secret } }';

/** Deals the cases act on, made through the API before the cases run. */
interface Fixtures {
  submitted: string;
  approved: string;
  won: string;
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

let customers = 0;
function registration(overrides: Record<string, unknown> = {}, lines: unknown[] = [{ sku: SKU.endpoint, seats: 25, unitPrice: '19.99' }]) {
  customers += 1;
  return {
    partnerId: PARTNER,
    distributorId: DISTRIBUTOR,
    endCustomer: { name: `Kunde ${customers} GmbH`, country: 'DE', domain: `kunde-${customers}.example` },
    type: 'NEW_CUSTOMER',
    productLine: 'ENDPOINT',
    lines,
    expectedCloseDate: addDays(DAY0, 60),
    ...overrides,
  };
}

const register = (name: string, field: string, overrides: Record<string, unknown>, lines?: unknown[]): Case => ({
  mutation: 'registerDeal',
  name,
  query: REGISTER,
  variables: () => ({ input: registration(overrides, lines) }),
  code: 'BAD_USER_INPUT',
  field,
});
const line = (seats: number, unitPrice: string, sku: string = SKU.endpoint) => ({ sku, seats, unitPrice });

const CASES: Case[] = [
  register('no lines', 'lines', {}, []),
  register('201 lines', 'lines', {}, Array.from({ length: 201 }, () => line(1, '1.00'))),
  register('zero seats', 'lines[0].seats', {}, [line(0, '1.00')]),
  register('over a million seats on a line', 'lines[0].seats', {}, [line(1_000_001, '1.00')]),
  register('seats beyond a 32-bit integer', 'lines[0].seats', {}, [line(2 ** 31, '1.00')]),
  register('a negative unit price', 'lines[0].unitPrice', {}, [line(1, '-1.00')]),
  register('three decimals in EUR', 'lines[0].unitPrice', {}, [line(1, '1.005')]),
  register('a unit price over 10^9 EUR', 'lines[0].unitPrice', {}, [line(1, '1000000000.01')]),
  register('a unit price of 90071992547409.93 (inexact as a double)', 'lines[0].unitPrice', {}, [line(1, '90071992547409.93')]),
  register('10^21 × 10^6 seats', 'lines[0].unitPrice', {}, [line(1_000_000, '1000000000000000000000')]),
  register('a line total beyond 2^53 − 1 minor units', 'lines[0]', {}, [line(1_000_000, '1000000000.00')]),
  register('a deal total beyond 2^53 − 1 minor units', 'lines', {}, [line(1_000_000, '90071992.54'), line(1, '7409.92')]),
  register('a SKU of 81 characters', 'lines[0].sku', {}, [line(1, '1.00', 'S'.repeat(81))]),
  register('an unknown partner', 'partnerId', { partnerId: newId() }),
  register('an unknown distributor', 'distributorId', { distributorId: newId() }),
  register('a partner referring itself', 'referringPartnerId', { referringPartnerId: PARTNER }),
  register('a bad product line', 'productLine', { productLine: 'x' }),
  register('an expected close date in the past', 'expectedCloseDate', { expectedCloseDate: addDays(DAY0, -1) }),
  register('an expected close date in 9999', 'expectedCloseDate', { expectedCloseDate: '9999-06-15' }),
  register('an expected close date in 2101', 'expectedCloseDate', { expectedCloseDate: '2101-01-01' }),
  register('an empty customer name', 'endCustomer.name', { endCustomer: { name: ' ', country: 'DE' } }),
  register('a customer name of 201 characters', 'endCustomer.name', { endCustomer: { name: 'N'.repeat(201), country: 'DE' } }),
  register('a customer name of 200 characters that normalises longer', 'endCustomer.name', { endCustomer: { name: 'A&'.repeat(100), country: 'DE' } }),
  register('a customer domain of 254 characters', 'endCustomer.domain', { endCustomer: { name: 'Long Domain GmbH', country: 'DE', domain: `${'d'.repeat(250)}.com` } }),
  register('a bad country', 'endCustomer.country', { endCustomer: { name: 'Somewhere Ltd', country: 'XY' } }),
  { mutation: 'registerDeal', name: 'another partner', query: REGISTER, variables: () => ({ input: registration({ partnerId: OTHER_PARTNER }) }), code: 'FORBIDDEN', claims: { sub: 'user@alpha', role: 'partner', partnerId: PARTNER } },
  { mutation: 'approveDeal', name: 'an unknown deal', query: BY_ID.approveDeal!, variables: () => ({ id: newId() }), code: 'NOT_FOUND' },
  { mutation: 'approveDeal', name: 'a won deal', query: BY_ID.approveDeal!, variables: (f) => ({ id: f.won }), code: 'DEALS.INVALID_TRANSITION' },
  { mutation: 'rejectDeal', name: 'a blank reason', query: WITH_REASON('rejectDeal'), variables: (f) => ({ id: f.submitted, reason: '  ' }), code: 'BAD_USER_INPUT', field: 'reason' },
  { mutation: 'rejectDeal', name: 'a reason of 1001 characters', query: WITH_REASON('rejectDeal'), variables: (f) => ({ id: f.submitted, reason: 'r'.repeat(1001) }), code: 'BAD_USER_INPUT', field: 'reason' },
  { mutation: 'withdrawDeal', name: 'an unknown deal', query: BY_ID.withdrawDeal!, variables: () => ({ id: newId() }), code: 'NOT_FOUND' },
  { mutation: 'extendDeal', name: '0 days', query: EXTEND, variables: (f) => ({ id: f.approved, days: 0 }), code: 'BAD_USER_INPUT', field: 'days' },
  { mutation: 'extendDeal', name: 'more days than the program allows', query: EXTEND, variables: (f) => ({ id: f.approved, days: 91 }), code: 'BAD_USER_INPUT', field: 'days' },
  { mutation: 'markDealWon', name: 'a close date in the future', query: WON, variables: (f) => ({ id: f.approved, closedAt: addDays(DAY0, 1) }), code: 'BAD_USER_INPUT', field: 'closedAt' },
  { mutation: 'markDealWon', name: 'a close date before registration', query: WON, variables: (f) => ({ id: f.approved, closedAt: addDays(DAY0, -1) }), code: 'BAD_USER_INPUT', field: 'closedAt' },
  { mutation: 'markDealWon', name: 'a close date in 1999', query: WON, variables: (f) => ({ id: f.approved, closedAt: '1999-12-31' }), code: 'BAD_USER_INPUT', field: 'closedAt' },
  { mutation: 'markDealWon', name: 'a close date in 9999', query: WON, variables: (f) => ({ id: f.approved, closedAt: '9999-06-15' }), code: 'BAD_USER_INPUT', field: 'closedAt' },
  { mutation: 'markDealLost', name: 'a blank reason', query: WITH_REASON('markDealLost'), variables: (f) => ({ id: f.approved, reason: '' }), code: 'BAD_USER_INPUT', field: 'reason' },
  { mutation: 'reverseDeal', name: 'a reason of 1001 characters', query: WITH_REASON('reverseDeal'), variables: (f) => ({ id: f.won, reason: 'r'.repeat(1001) }), code: 'BAD_USER_INPUT', field: 'reason' },
  { mutation: 'resolveConflict', name: 'a deal without a conflict', query: RESOLVE, variables: (f) => ({ dealId: f.submitted, winnerDealId: f.submitted }), code: 'BAD_USER_INPUT', field: 'dealId' },
  { mutation: 'registerWebhook', name: 'an ftp URL', query: WEBHOOK, variables: () => ({ url: 'ftp://hooks.example/deals' }), code: 'BAD_USER_INPUT', field: 'url', claims: distributor },
  { mutation: 'registerWebhook', name: 'no distributor, by staff', query: WEBHOOK, variables: () => ({ url: 'https://hooks.example/deals' }), code: 'BAD_USER_INPUT', field: 'distributorId' },
  { mutation: 'rotateWebhookSecret', name: 'an unknown endpoint', query: BY_ID.rotateWebhookSecret!, variables: () => ({ id: newId() }), code: 'NOT_FOUND' },
  { mutation: 'testWebhook', name: 'an unknown endpoint', query: BY_ID.testWebhook!, variables: () => ({ id: newId() }), code: 'NOT_FOUND' },
  { mutation: 'disableWebhook', name: 'an unknown endpoint', query: BY_ID.disableWebhook!, variables: () => ({ id: newId() }), code: 'NOT_FOUND' },
  { mutation: 'retryDealsParkedEvent', name: 'an unknown parked event', query: 'mutation ($id: ID!) { retryDealsParkedEvent(id: $id) { id } }', variables: () => ({ id: newId() }), code: 'NOT_FOUND' },
];

/** Waits until the fixtures' events have been relayed and consumed, so only a case could change a count. */
async function settled(database: Database): Promise<void> {
  let last = '';
  for (let i = 0; i < 100; i += 1) {
    const now = JSON.stringify(await tableRowCounts(database.dataSource));
    if (now === last) return;
    last = now;
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
}

describe.each(['mysql', 'sqlite'] as const)('deals mutations refused on %s write nothing', (dialect) => {
  const clock = adjustableClock(`${DAY0}T10:00:00Z`);
  let testDb: TestDatabase | undefined;
  let database: Database;
  let bus: InProcessBus;
  let close: () => Promise<void>;
  let call: ReturnType<typeof subgraphClient>;
  let fixtures: Fixtures;

  async function must(result: Promise<GraphQLResponse>, field: string): Promise<string> {
    const { data, errors } = await result;
    expect(errors, JSON.stringify(errors)).toBeUndefined();
    return (data![field] as { id: string }).id;
  }

  beforeAll(async () => {
    testDb = dialect === 'mysql' ? await createTestDatabase('deals_bad_input') : undefined;
    database = await openDealsDatabase(testDb ? { url: testDb.url } : { sqliteFile: ':memory:' });
    bus = new InProcessBus();
    const server = await createDealsServer({ database, bus, gatewaySecret: SECRET, clock });
    const running = await server.start(0);
    call = subgraphClient(running.url, SECRET);
    close = running.close;
    await bus.publish(FACTS);
    const manager = database.dataSource.manager;
    for (let i = 0; (await manager.count(PartnerRefEntity)) < 2 || (await manager.count(DistributorRefEntity)) < 1; i += 1) {
      if (i > 400) throw new Error('partner facts not applied');
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    await receiveTestCatalog(bus, database);
    const registered = () => must(call(admin, REGISTER, { input: registration() }), 'registerDeal');
    const [submitted, approved, won] = [await registered(), await registered(), await registered()];
    for (const id of [approved, won]) await must(call(admin, BY_ID.approveDeal!, { id }), 'approveDeal');
    await must(call(admin, WON, { id: won, closedAt: DAY0 }), 'markDealWon');
    fixtures = { submitted, approved, won };
    await settled(database);
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

  it('covers every mutation of the deals schema', async () => {
    const { data } = await call(admin, '{ __schema { mutationType { fields { name } } } }');
    const fields = (data as { __schema: { mutationType: { fields: { name: string }[] } } }).__schema.mutationType.fields.map((f) => f.name);
    expect([...new Set(CASES.map((c) => c.mutation))].sort()).toEqual(fields.sort());
  });
});
