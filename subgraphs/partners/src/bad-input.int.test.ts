import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Claims } from '@hub/auth';
import { newId, type Database } from '@hub/db';
import { fixedClock } from '@hub/domain';
import { createTestDatabase, subgraphClient, tableRowCounts, type GraphQLResponse, type TestDatabase } from '@hub/testing';
import { seedDemoData } from './seeds/seed';
import { createPartnersServer, openPartnersDatabase } from './server';

/*
 * Every partners mutation (subgraphs/partners/schema.graphql) with its bad input: the answer
 * carries the code (and the field, for BAD_USER_INPUT), and no table — partners, tier history,
 * people, certifications, reviews, the outbox — has one row more or less than before, on
 * MariaDB and on SQLite.
 */

const SECRET = 'integration-test-gateway-secret-0123456789';
const admin: Claims = { sub: 'admin@vendor', role: 'vendor_admin' };

const CREATE = 'mutation ($input: CreatePartnerInput!) { createPartner(input: $input) { id } }';
const UPDATE = 'mutation ($id: ID!, $input: UpdatePartnerInput!) { updatePartner(id: $id, input: $input) { id } }';
const ASSIGN = 'mutation ($p: ID!, $t: String!, $effectiveFrom: Date!, $reason: String!) { assignTier(partnerId: $p, tierCode: $t, effectiveFrom: $effectiveFrom, reason: $reason) { id } }';
const REVIEW = 'mutation ($p: ID!, $input: ReviewInput!) { recordReview(partnerId: $p, input: $input) { id } }';
const PERSON = 'mutation ($p: ID!, $input: PersonInput!) { addPerson(partnerId: $p, input: $input) { id } }';
const SAVE_PROGRAM = 'mutation ($input: SaveProgramInput!) { saveProgram(input: $input) { code } }';
const SAVE_TIER = 'mutation ($input: SaveTierInput!) { saveTier(input: $input) { id } }';
const CERTIFY = 'mutation ($person: ID!, $input: CertificationInput!) { addCertification(personId: $person, input: $input) { id } }';

interface Fixtures {
  partner: string;
  person: string;
  distributor: string;
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

const partnerInput = (f: Fixtures, overrides: Record<string, unknown> = {}) => ({
  name: `Nordlicht ${newId().slice(-6)}`,
  country: 'CH',
  programCode: 'CH-2011',
  segmentFocus: 'SMB',
  businessModels: ['RESELLER'],
  distributorIds: [f.distributor],
  ...overrides,
});

const create = (name: string, field: string, overrides: Record<string, unknown>): Case => ({
  mutation: 'createPartner',
  name,
  query: CREATE,
  variables: (f) => ({ input: partnerInput(f, overrides) }),
  code: 'BAD_USER_INPUT',
  field,
});
const assign = (name: string, field: string, args: Record<string, unknown>): Case => ({
  mutation: 'assignTier',
  name,
  query: ASSIGN,
  variables: (f) => ({ p: f.partner, t: 'SILVER', effectiveFrom: '2026-06-15', reason: 'annual review', ...args }),
  code: 'BAD_USER_INPUT',
  field,
});
const review = (name: string, field: string, input: Record<string, unknown>): Case => ({
  mutation: 'recordReview',
  name,
  query: REVIEW,
  variables: (f) => ({ p: f.partner, input: { outcome: 'KEEP', findings: [], ...input } }),
  code: 'BAD_USER_INPUT',
  field,
});
const certify = (name: string, field: string, input: Record<string, unknown>): Case => ({
  mutation: 'addCertification',
  name,
  query: CERTIFY,
  variables: (f) => ({ person: f.person, input: { specializationCode: 'NETWORK_SECURITY', kind: 'SALES', validUntil: '2027-06-15', ...input } }),
  code: 'BAD_USER_INPUT',
  field,
});

const CASES: Case[] = [
  create('an empty name', 'name', { name: '  ' }),
  create('a name of 201 characters', 'name', { name: 'N'.repeat(201) }),
  create('a bad country', 'country', { country: 'XY' }),
  create('a country outside the program', 'country', { country: 'FR' }),
  create('an unknown program', 'programCode', { programCode: 'XX-1999' }),
  create('an unknown tier', 'tierCode', { tierCode: 'DIAMOND' }),
  create('no business model', 'businessModels', { businessModels: [] }),
  create('an unknown distributor', 'distributorIds', { distributorIds: [newId()] }),
  create('a channel manager of 201 characters', 'channelManager', { channelManager: 'c'.repeat(201) }),
  { mutation: 'updatePartner', name: 'an empty name', query: UPDATE, variables: (f) => ({ id: f.partner, input: { name: '' } }), code: 'BAD_USER_INPUT', field: 'name' },
  { mutation: 'updatePartner', name: 'a bad country', query: UPDATE, variables: (f) => ({ id: f.partner, input: { country: 'XY' } }), code: 'BAD_USER_INPUT', field: 'country' },
  { mutation: 'updatePartner', name: 'an unknown partner', query: UPDATE, variables: () => ({ id: newId(), input: { name: 'Anyone' } }), code: 'NOT_FOUND' },
  assign('an effective date in 9999', 'effectiveFrom', { effectiveFrom: '9999-06-15' }),
  assign('an effective date in 1999', 'effectiveFrom', { effectiveFrom: '1999-12-31' }),
  assign('an unknown tier', 'tierCode', { t: 'DIAMOND' }),
  assign('a blank reason', 'reason', { reason: ' ' }),
  assign('a reason of 501 characters', 'reason', { reason: 'r'.repeat(501) }),
  review('a review date in 9999', 'reviewedOn', { reviewedOn: '9999-06-15' }),
  review('a note of 2001 characters', 'note', { note: 'n'.repeat(2001) }),
  review('a downgrade effective in 2101', 'effectiveFrom', { outcome: 'DOWNGRADE', newTierCode: 'BRONZE', effectiveFrom: '2101-01-01' }),
  { ...review('an unknown partner', '', {}), variables: () => ({ p: newId(), input: { outcome: 'KEEP', findings: [] } }), code: 'NOT_FOUND', field: undefined },
  { mutation: 'addPerson', name: 'a bad e-mail', query: PERSON, variables: (f) => ({ p: f.partner, input: { name: 'Anna', email: 'not-an-address' } }), code: 'BAD_USER_INPUT', field: 'email' },
  { mutation: 'addPerson', name: 'a name of 201 characters', query: PERSON, variables: (f) => ({ p: f.partner, input: { name: 'A'.repeat(201), email: 'anna@example.ch' } }), code: 'BAD_USER_INPUT', field: 'name' },
  { mutation: 'addPerson', name: 'an unknown partner', query: PERSON, variables: () => ({ p: newId(), input: { name: 'Anna', email: 'anna@example.ch' } }), code: 'NOT_FOUND' },
  certify('a validity end in 9999', 'validUntil', { validUntil: '9999-06-15' }),
  certify('a validity end already past', 'validUntil', { validUntil: '2026-06-14' }),
  certify('a validity start after its end', 'validFrom', { validFrom: '2027-07-01' }),
  certify('an unknown specialization', 'specializationCode', { specializationCode: 'NOTHING' }),
  {
    mutation: 'saveProgram',
    name: 'a new program without its ladder',
    query: SAVE_PROGRAM,
    variables: () => ({ input: { code: 'AT-2027', name: 'Austria 2027', currency: 'EUR', countries: ['AT'], effectiveFrom: '2027-01-01' } }),
    code: 'BAD_USER_INPUT',
    field: 'tiers',
  },
  {
    mutation: 'saveProgram',
    name: 'a currency of four letters',
    query: SAVE_PROGRAM,
    variables: () => ({ input: { code: 'AT-2027', name: 'Austria 2027', currency: 'EURO', countries: ['AT'], effectiveFrom: '2027-01-01' } }),
    code: 'BAD_USER_INPUT',
    field: 'currency',
  },
  {
    mutation: 'saveTier',
    name: 'a threshold in 9 decimals',
    query: SAVE_TIER,
    variables: () => ({ input: { programCode: 'CH-2011', code: 'GOLD', name: 'Gold', minCertifiedStaff: 4, minRevenue: '1.123456789', effectiveFrom: '2026-09-01' } }),
    code: 'BAD_USER_INPUT',
    field: 'minRevenue',
  },
  {
    mutation: 'saveTier',
    name: 'an effective date in 2101',
    query: SAVE_TIER,
    variables: () => ({ input: { programCode: 'CH-2011', code: 'GOLD', name: 'Gold', minCertifiedStaff: 4, minRevenue: '500000', effectiveFrom: '2101-01-01' } }),
    code: 'BAD_USER_INPUT',
    field: 'effectiveFrom',
  },
  { mutation: 'retryPartnersParkedEvent', name: 'an unknown parked event', query: 'mutation ($id: ID!) { retryPartnersParkedEvent(id: $id) { id } }', variables: () => ({ id: newId() }), code: 'NOT_FOUND' },
];

describe.each(['mysql', 'sqlite'] as const)('partners mutations refused on %s write nothing', (dialect) => {
  let testDb: TestDatabase | undefined;
  let database: Database;
  let close: () => Promise<void>;
  let call: ReturnType<typeof subgraphClient>;
  let fixtures: Fixtures;

  async function made<T>(response: Promise<GraphQLResponse<T>>): Promise<T> {
    const { data, errors } = await response;
    expect(errors, JSON.stringify(errors)).toBeUndefined();
    return data!;
  }

  beforeAll(async () => {
    testDb = dialect === 'mysql' ? await createTestDatabase('partners_bad_input') : undefined;
    database = await openPartnersDatabase(testDb ? { url: testDb.url } : { sqliteFile: ':memory:' });
    await seedDemoData(database, new Date('2026-06-15T08:00:00Z'));
    const server = await createPartnersServer({ database, gatewaySecret: SECRET, clock: fixedClock('2026-06-15T10:00:00Z') });
    const running = await server.listen(0);
    call = subgraphClient(running.url, SECRET);
    close = running.close;
    const { distributors } = await made(call<{ distributors: { id: string; countries: string[] }[] }>(admin, '{ distributors { id countries } }'));
    const distributor = distributors.find((d) => d.countries.includes('CH'))!.id;
    const partner = (await made(call<{ createPartner: { id: string } }>(admin, CREATE, { input: partnerInput({ distributor } as Fixtures) }))).createPartner.id;
    const person = (await made(call<{ addPerson: { id: string } }>(admin, PERSON, { p: partner, input: { name: 'Anna Muster', email: 'anna@nordlicht.example' } }))).addPerson.id;
    fixtures = { partner, person, distributor };
  });

  afterAll(async () => {
    await close?.();
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

  it('covers every mutation of the partners schema', async () => {
    const { data } = await call<{ __schema: { mutationType: { fields: { name: string }[] } } }>(admin, '{ __schema { mutationType { fields { name } } } }');
    expect([...new Set(CASES.map((c) => c.mutation))].sort()).toEqual(data!.__schema.mutationType.fields.map((f) => f.name).sort());
  });
});
