import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Claims } from '@hub/auth';
import { newId } from '@hub/db';
import { tableRowCounts, type GraphQLResponse } from '@hub/testing';
import { addPartner, admin, DAY0, DIALECTS, DIST_PLAIN, DIST_RENEWALS, DIST_USAGE, must, partnerClaims, RESELLER_A, startHarness, type Harness } from './int-test-harness';

/*
 * Every licenses mutation (subgraphs/licenses/schema.graphql) with its bad input: the answer
 * carries the code (and the field, for BAD_USER_INPUT), and no table — licences, terms,
 * customers, master licences, deployments, reports, statements, the outbox — has one row more
 * or less than before, on MariaDB and on SQLite. A licence starting in 9999 was once refused
 * only after SQLite had committed it.
 */

const ISSUE = 'mutation ($input: IssueLicenseInput!) { issueLicense(input: $input) { id startsOn endsOn } }';
const RENEW = 'mutation ($id: ID!, $months: Int!) { renewLicense(id: $id, termMonths: $months) { id } }';
const TRANSFER = 'mutation ($id: ID!, $to: EndCustomerInput!) { transferLicense(id: $id, toCustomer: $to) { id } }';
const CHANGE_DEPLOYMENT = 'mutation ($id: ID!, $deployment: Deployment!) { changeDeployment(id: $id, deployment: $deployment) { id } }';
const REVOKE = 'mutation ($id: ID!, $reason: String!) { revokeLicense(id: $id, reason: $reason) { id } }';
const GRANT = 'mutation ($p: ID!, $d: ID!) { grantMasterLicense(partnerId: $p, distributorId: $d) { id } }';
const DEPLOY = 'mutation ($input: DeployUsageInput!) { deployUsage(input: $input) { id customer { id } } }';
const REMOVE = 'mutation ($id: ID!) { removeDeployment(id: $id) { id } }';
const REPORT = 'mutation ($input: UsageReportInput!) { submitUsageReport(input: $input) { id } }';
const CLOSE = 'mutation ($m: String!) { closeUsageMonth(month: $m) { id } }';
const USAGE_SKU = 'ENDPOINT-STD-U';

/** What the cases act on, made through the API before they run. */
interface Fixtures {
  license: string;
  provider: string;
  deployment: string;
  customer: string;
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
function issueInput(overrides: Record<string, unknown> = {}) {
  customers += 1;
  return { partnerId: RESELLER_A, distributorId: DIST_RENEWALS, customer: { name: `Kunde ${customers} GmbH`, country: 'DE' }, sku: 'ENDPOINT-ADV-T', seats: 10, ...overrides };
}

const issue = (name: string, field: string, overrides: Record<string, unknown>): Case => ({
  mutation: 'issueLicense',
  name,
  query: ISSUE,
  variables: () => ({ input: issueInput(overrides) }),
  code: 'BAD_USER_INPUT',
  field,
});
const report = (name: string, field: string, input: (f: Fixtures) => Record<string, unknown>, code = 'BAD_USER_INPUT'): Case => ({
  mutation: 'submitUsageReport',
  name,
  query: REPORT,
  variables: (f) => ({ input: { partnerId: f.provider, month: DAY0.slice(0, 7), lines: [{ customer: f.customer, sku: USAGE_SKU, seats: 5 }], ...input(f) } }),
  code,
  field,
});
const badCustomer = { name: 'N'.repeat(201), country: 'DE' };

const CASES: Case[] = [
  issue('a start in 9999', 'startsOn', { startsOn: '9999-06-15' }),
  issue('a start in 2101', 'startsOn', { startsOn: '2101-01-01' }),
  issue('a start in 1999', 'startsOn', { startsOn: '1999-12-31' }),
  issue('a start that is no calendar date', 'startsOn', { startsOn: '2026-02-30' }),
  issue('zero seats', 'seats', { seats: 0 }),
  issue('over a million seats', 'seats', { seats: 1_000_001 }),
  issue('a term of 61 months', 'termMonths', { termMonths: 61 }),
  issue('an unknown SKU', 'sku', { sku: 'NO-SUCH-T' }),
  issue('a SKU of 10,000 characters', 'sku', { sku: 'S'.repeat(10_000) }),
  issue('a usage SKU', 'sku', { sku: USAGE_SKU }),
  issue('an unknown partner', 'partnerId', { partnerId: newId() }),
  issue('a customer name of 201 characters', 'customer.name', { customer: badCustomer }),
  issue('a customer name of 200 characters that normalises longer', 'customer.name', { customer: { name: 'A&'.repeat(100), country: 'DE' } }),
  issue('a deployment the SKU does not run under', 'deployment', { sku: 'NETWORK-STD-T', deployment: 'CLOUD' }),
  { ...issue('a partner issuing its own licence', '', {}), code: 'FORBIDDEN', field: undefined, claims: partnerClaims(RESELLER_A) },
  { mutation: 'renewLicense', name: '0 months', query: RENEW, variables: (f) => ({ id: f.license, months: 0 }), code: 'BAD_USER_INPUT', field: 'termMonths' },
  { mutation: 'renewLicense', name: 'an unknown licence', query: RENEW, variables: () => ({ id: newId(), months: 12 }), code: 'NOT_FOUND' },
  { mutation: 'transferLicense', name: 'a bad country', query: TRANSFER, variables: (f) => ({ id: f.license, to: { name: 'Elsewhere Ltd', country: 'XY' } }), code: 'BAD_USER_INPUT', field: 'toCustomer.country' },
  { mutation: 'transferLicense', name: 'a customer name of 201 characters', query: TRANSFER, variables: (f) => ({ id: f.license, to: badCustomer }), code: 'BAD_USER_INPUT', field: 'toCustomer.name' },
  { mutation: 'changeDeployment', name: 'the model it already runs', query: CHANGE_DEPLOYMENT, variables: (f) => ({ id: f.license, deployment: 'CLOUD' }), code: 'BAD_USER_INPUT', field: 'deployment' },
  { mutation: 'revokeLicense', name: 'a blank reason', query: REVOKE, variables: (f) => ({ id: f.license, reason: ' ' }), code: 'BAD_USER_INPUT', field: 'reason' },
  { mutation: 'revokeLicense', name: 'a reason of 1001 characters', query: REVOKE, variables: (f) => ({ id: f.license, reason: 'r'.repeat(1001) }), code: 'BAD_USER_INPUT', field: 'reason' },
  { mutation: 'grantMasterLicense', name: 'an unknown partner', query: GRANT, variables: () => ({ p: newId(), d: DIST_USAGE }), code: 'BAD_USER_INPUT', field: 'partnerId' },
  { mutation: 'grantMasterLicense', name: 'a distributor outside the usage program', query: GRANT, variables: (f) => ({ p: f.provider, d: DIST_PLAIN }), code: 'LICENSES.DISTRIBUTOR_NOT_ELIGIBLE' },
  { mutation: 'deployUsage', name: 'a term SKU', query: DEPLOY, variables: (f) => ({ input: { partnerId: f.provider, customer: { name: 'Omega AG', country: 'FR' }, sku: 'ENDPOINT-ADV-T', hosting: 'HOSTED' } }), code: 'BAD_USER_INPUT', field: 'sku' },
  { mutation: 'deployUsage', name: 'a customer name of 201 characters', query: DEPLOY, variables: (f) => ({ input: { partnerId: f.provider, customer: badCustomer, sku: USAGE_SKU, hosting: 'HOSTED' } }), code: 'BAD_USER_INPUT', field: 'customer.name' },
  { mutation: 'removeDeployment', name: 'an unknown deployment', query: REMOVE, variables: () => ({ id: newId() }), code: 'NOT_FOUND' },
  report('a month in 9999', 'month', () => ({ month: '9999-12' })),
  report('a month in 1999', 'month', () => ({ month: '1999-12' })),
  report('a month that has not begun', 'month', () => ({ month: '2026-07' })),
  report('negative seats', 'lines[0].seats', (f) => ({ lines: [{ customer: f.customer, sku: USAGE_SKU, seats: -1 }] })),
  report('an unknown customer', 'lines[0].customer', () => ({ lines: [{ customer: newId(), sku: USAGE_SKU, seats: 1 }] })),
  report('a term SKU', 'lines[0].sku', (f) => ({ lines: [{ customer: f.customer, sku: 'ENDPOINT-ADV-T', seats: 1 }] })),
  report('the same customer and SKU twice', 'lines[1]', (f) => ({ lines: [{ customer: f.customer, sku: USAGE_SKU, seats: 1 }, { customer: f.customer, sku: USAGE_SKU, seats: 2 }] })),
  { mutation: 'closeUsageMonth', name: 'a month in 2101', query: CLOSE, variables: () => ({ m: '2101-01' }), code: 'BAD_USER_INPUT', field: 'month' },
  { mutation: 'closeUsageMonth', name: 'no month', query: CLOSE, variables: () => ({ m: '2026/05' }), code: 'BAD_USER_INPUT', field: 'month' },
  { mutation: 'retryLicensesParkedEvent', name: 'an unknown parked event', query: 'mutation ($id: ID!) { retryLicensesParkedEvent(id: $id) { id } }', variables: () => ({ id: newId() }), code: 'NOT_FOUND' },
];

describe.each(DIALECTS)('licenses mutations refused on $dialect write nothing', ({ dialect }) => {
  let h: Harness;
  let fixtures: Fixtures;

  async function id<T extends Record<string, { id: string }>>(response: Promise<GraphQLResponse<T>>, field: keyof T): Promise<T[keyof T]> {
    return (await must(response))[field];
  }

  beforeAll(async () => {
    h = await startHarness(dialect, 'licenses_bad_input');
    const license = (await id(h.call<{ issueLicense: { id: string } }>(admin, ISSUE, { input: issueInput() }), 'issueLicense')).id;
    const provider = await addPartner(h, { name: 'Service Provider', businessModels: ['MSP'], distributorIds: [DIST_USAGE] });
    await must(h.call(admin, GRANT, { p: provider, d: DIST_USAGE }));
    const deployed = await id(
      h.call<{ deployUsage: { id: string; customer: { id: string } } }>(admin, DEPLOY, { input: { partnerId: provider, customer: { name: 'Kappa SARL', country: 'FR' }, sku: USAGE_SKU, hosting: 'HOSTED' } }),
      'deployUsage',
    );
    fixtures = { license, provider, deployment: deployed.id, customer: deployed.customer.id };
  });

  afterAll(async () => {
    await h?.stop();
  });

  it.each(CASES.map((c) => [c.mutation, c.name, c] as const))('%s with %s', async (_mutation, _name, c) => {
    const before = await tableRowCounts(h.database.dataSource);
    const result = await h.call(c.claims ?? admin, c.query, c.variables(fixtures));
    expect(result.errors?.[0]?.extensions, JSON.stringify(result.errors)).toMatchObject(c.field ? { code: c.code, field: c.field } : { code: c.code });
    expect(result.data ?? null).toBeNull();
    expect(await tableRowCounts(h.database.dataSource)).toEqual(before);
  });

  it("keeps the partner's licence list readable after the refusals", async () => {
    const query = 'query ($p: ID!) { licenses(filter: { partnerId: $p }, first: 500) { edges { node { startsOn endsOn } } } }';
    const listed = await must(h.call<{ licenses: { edges: { node: { startsOn: string; endsOn: string } }[] } }>(partnerClaims(RESELLER_A), query, { p: RESELLER_A }));
    expect(listed.licenses.edges.map(({ node }) => node)).toEqual([{ startsOn: DAY0, endsOn: '2027-06-15' }]);
  });

  it('covers every mutation of the licenses schema', async () => {
    const { data } = await h.call<{ __schema: { mutationType: { fields: { name: string }[] } } }>(admin, '{ __schema { mutationType { fields { name } } } }');
    expect([...new Set(CASES.map((c) => c.mutation))].sort()).toEqual(data!.__schema.mutationType.fields.map((f) => f.name).sort());
  });
});
