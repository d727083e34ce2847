import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dealsSubgraph } from '@hub/deals';
import { licensesSubgraph } from '@hub/licenses';
import { partnersSubgraph } from '@hub/partners';
import { PROBE_FIELD, PROBE_LINE } from './support/deals';
import { post, startHub, type RunningHub } from './support/hub';

type Result = Awaited<ReturnType<typeof post>>['json'];

interface Distributor {
  id: string;
  name: string;
  usageBasedProgram: boolean;
}

interface Partner {
  id: string;
  name: string;
}

const EVENT_DEADLINE_MS = 20_000;

/** Polls until `probe` returns a value; fails with what it last saw once the deadline passes. */
async function eventually<T>(what: string, probe: () => Promise<{ done: true; value: T } | { done: false; last: unknown }>): Promise<T> {
  const deadline = Date.now() + EVENT_DEADLINE_MS;
  for (;;) {
    const outcome = await probe();
    if (outcome.done) return outcome.value;
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${EVENT_DEADLINE_MS} ms; last seen: ${JSON.stringify(outcome.last)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** "3925.50" → 392550n; amounts are exact decimals with the currency's two minor digits. */
function minor(amount: string): bigint {
  const match = /^(-?)(\d+)\.(\d{2})$/.exec(amount);
  if (!match) throw new Error(`not a two-decimal amount: ${amount}`);
  const value = BigInt(match[2]!) * 100n + BigInt(match[3]!);
  return match[1] ? -value : value;
}

function decimal(minorUnits: bigint): string {
  const sign = minorUnits < 0n ? '-' : '';
  const abs = minorUnits < 0n ? -minorUnits : minorUnits;
  return `${sign}${abs / 100n}.${String(abs % 100n).padStart(2, '0')}`;
}

/** The same day `months` later, clamped to the end of a shorter month (a term's end). */
function addMonths(date: string, months: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const target = new Date(Date.UTC(y, m - 1 + months, 1));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(d, lastDay));
  return target.toISOString().slice(0, 10);
}

const CREATE_PARTNER = `mutation ($input: CreatePartnerInput!) { createPartner(input: $input) { id name businessModels distributors { id } } }`;
const REGISTER = `mutation ($input: RegisterDealInput!) { registerDeal(input: $input) { id status } }`;
/** Writes nothing: a SKU that is not in the catalog is refused once the partner and distributor are known. */
const ISSUE_PROBE = `mutation ($input: IssueLicenseInput!) { issueLicense(input: $input) { id } }`;
const GRANT = `mutation ($partnerId: ID!, $distributorId: ID!) { grantMasterLicense(partnerId: $partnerId, distributorId: $distributorId) { id programCode currency partner { id } distributor { id } } }`;
const DEPLOY = `mutation ($input: DeployUsageInput!) { deployUsage(input: $input) { id skuCode hosting status deployedOn customer { id name } } }`;
const SUBMIT = `mutation ($input: UsageReportInput!) { submitUsageReport(input: $input) { id month version status lines { sku seats customer { id } } } }`;

describe('licences through the gateway (partners, deals and licenses on MariaDB)', () => {
  let hub: RunningHub;
  let staff: string;
  let ingram: Distributor;
  let techData: Distributor;
  let reseller: Partner;
  let provider: Partner;
  let outsider: Partner;
  let resellerToken: string;
  let providerToken: string;
  let outsiderToken: string;
  let dealId: string;
  let licenseIds: string[];
  let usageMonth: string;
  const today = new Date().toISOString().slice(0, 10);

  const gql = async (token: string, query: string, variables?: Record<string, unknown>): Promise<Result> => (await post(hub.url, { query, variables }, token)).json;
  const data = <T>(result: Result): T => {
    expect(result.errors).toBeUndefined();
    return result.data as T;
  };

  // Two term SKUs of one product line: a deal covers one.
  const dealLines = [
    { sku: 'ENDPOINT-ADV-T', seats: 40, unitPrice: '33.75' },
    { sku: 'ENDPOINT-STD-T', seats: 25, unitPrice: '21.60' },
  ];

  beforeAll(async () => {
    hub = await startHub([partnersSubgraph, dealsSubgraph, licensesSubgraph], { database: 'mysql' });
    staff = await hub.token({ sub: 'cm@vendor', role: 'channel_manager' });

    const { distributors } = data<{ distributors: Distributor[] }>(await gql(staff, '{ distributors { id name usageBasedProgram } }'));
    ingram = distributors.find((d) => d.name === 'Ingram Micro')!;
    techData = distributors.find((d) => d.name === 'Tech Data')!;
    expect(ingram).toMatchObject({ usageBasedProgram: true });
    expect(techData).toMatchObject({ usageBasedProgram: false });

    const create = async (name: string, businessModels: string[], distributorIds: string[]): Promise<Partner> => {
      const created = data<{ createPartner: Partner & { businessModels: string[]; distributors: { id: string }[] } }>(
        await gql(staff, CREATE_PARTNER, { input: { name, country: 'FR', programCode: 'FR-2023', segmentFocus: 'SMB', businessModels, distributorIds } }),
      ).createPartner;
      expect(created.businessModels).toEqual(businessModels);
      expect(created.distributors.map((d) => d.id).sort()).toEqual([...distributorIds].sort());
      return { id: created.id, name: created.name };
    };
    reseller = await create('Licences E2E Revendeur', ['RESELLER'], [techData.id]);
    provider = await create('Licences E2E Infogérance', ['MSP'], [ingram.id, techData.id]);
    outsider = await create('Licences E2E Voisin', ['RESELLER'], [techData.id]);
    resellerToken = await hub.token({ sub: 'user@reseller', role: 'partner', partnerId: reseller.id });
    providerToken = await hub.token({ sub: 'user@provider', role: 'partner', partnerId: provider.id });
    outsiderToken = await hub.token({ sub: 'user@outsider', role: 'partner', partnerId: outsider.id });
  });

  afterAll(() => hub?.close());

  it('learns the new partners and their distributors from the partners subgraph\'s events', async () => {
    // Licences keep a copy of partner and distributor facts, fed by partner.created and
    // distributor.saved. Until both are known, a licence for them is refused for the partner or
    // the distributor; once they are, the only fault left in the probe is its made-up SKU.
    for (const [partner, distributor] of [
      [reseller, techData],
      [provider, ingram],
      [provider, techData],
      [outsider, techData],
    ] as const) {
      const refusal = await eventually(`licenses learning ${partner.name} through ${distributor.name}`, async () => {
        const probe = await gql(staff, ISSUE_PROBE, {
          input: { partnerId: partner.id, distributorId: distributor.id, customer: { name: 'Probe', country: 'FR' }, sku: 'NOT-IN-THE-CATALOG', seats: 1 },
        });
        const error = probe.errors?.[0];
        return error?.extensions?.field === 'sku' ? { done: true, value: error } : { done: false, last: probe };
      });
      expect(refusal.extensions?.code).toBe('BAD_USER_INPUT');
      expect(refusal.message).toContain('NOT-IN-THE-CATALOG');
    }
    // Deals learns partners from the same events; a registration without lines writes nothing.
    await eventually(`deals learning ${reseller.name} and the catalog`, async () => {
      const probe = await gql(staff, REGISTER, {
        input: { partnerId: reseller.id, distributorId: techData.id, endCustomer: { name: 'Probe', country: 'FR' }, type: 'NEW_CUSTOMER', lines: [PROBE_LINE], expectedCloseDate: '2099-12-31' },
      });
      return probe.errors?.[0]?.extensions?.field === PROBE_FIELD ? { done: true, value: null } : { done: false, last: probe };
    });
    // No licence exists yet for anyone: the probes wrote nothing.
    expect(data<{ licenses: { totalCount: number } }>(await gql(staff, '{ licenses(first: 10) { totalCount } }')).licenses.totalCount).toBe(0);
  });

  it('issues one term licence per line of a won deal, shown to the partner with partner, customer, SKU and deal joined', async () => {
    const registered = data<{ registerDeal: { id: string; status: string } }>(
      await gql(resellerToken, REGISTER, {
        input: {
          partnerId: reseller.id,
          distributorId: techData.id,
          endCustomer: { name: 'Clinique Saint-Roch', country: 'FR', domain: 'saint-roch.example' },
          type: 'NEW_CUSTOMER',
          productLine: 'ENDPOINT',
          lines: dealLines,
          expectedCloseDate: '2099-12-31',
        },
      }),
    ).registerDeal;
    expect(registered.status).toBe('SUBMITTED');
    dealId = registered.id;
    expect(data<{ approveDeal: { status: string } }>(await gql(staff, `mutation ($id: ID!) { approveDeal(id: $id) { status } }`, { id: dealId })).approveDeal.status).toBe('APPROVED');
    const won = data<{ markDealWon: { status: string; lines: { sku: string; amount: { amount: string; currency: string } }[] } }>(
      await gql(staff, `mutation ($id: ID!, $closedAt: Date!) { markDealWon(id: $id, closedAt: $closedAt) { status lines { sku amount { amount currency } } } }`, { id: dealId, closedAt: today }),
    ).markDealWon;
    expect(won.status).toBe('WON');
    // 40 × 33.75 and 25 × 21.60, as the deal itself priced its lines.
    expect(won.lines).toEqual([
      { sku: 'ENDPOINT-ADV-T', amount: { amount: '1350.00', currency: 'EUR' } },
      { sku: 'ENDPOINT-STD-T', amount: { amount: '540.00', currency: 'EUR' } },
    ]);

    const count = `query ($id: ID!) { partner(id: $id) { licenses { totalCount } } }`;
    await eventually('licences of the won deal', async () => {
      const read = await gql(resellerToken, count, { id: reseller.id });
      const total = (read.data as { partner?: { licenses?: { totalCount: number } } } | undefined)?.partner?.licenses?.totalCount;
      return total === dealLines.length ? { done: true, value: total } : { done: false, last: read };
    });

    const read = await gql(
      resellerToken,
      `query ($id: ID!) { partner(id: $id) { name licenses { totalCount edges { node {
        id skuCode seats status startsOn endsOn productLine distributor { id } customer { name domain } sku { name billing }
        terms { sequence kind months seats startsOn endsOn amount { amount currency } } sourceDeal { id status }
      } } } } }`,
      { id: reseller.id },
    );
    const partner = data<{ partner: { name: string; licenses: { totalCount: number; edges: { node: { id: string } & Record<string, unknown> }[] } } }>(read).partner;
    const endsOn = addMonths(today, 12);
    const expected = (sku: string, name: string, productLine: string, seats: number, amount: string) => ({
      id: expect.any(String),
      skuCode: sku,
      seats,
      status: 'ACTIVE',
      startsOn: today,
      endsOn,
      productLine,
      distributor: { id: techData.id },
      customer: { name: 'Clinique Saint-Roch', domain: 'saint-roch.example' },
      sku: { name, billing: 'TERM' },
      terms: [{ sequence: 1, kind: 'INITIAL', months: 12, seats, startsOn: today, endsOn, amount: { amount, currency: 'EUR' } }],
      sourceDeal: { id: dealId, status: 'WON' },
    });
    expect(partner.name).toBe(reseller.name);
    expect(partner.licenses.totalCount).toBe(2);
    // Oldest first: in the order of the deal's lines; each term's amount is what its line sold for.
    expect(partner.licenses.edges.map((edge) => edge.node)).toEqual([
      expected('ENDPOINT-ADV-T', 'Endpoint Security Advanced (term)', 'ENDPOINT', 40, '1350.00'),
      expected('ENDPOINT-STD-T', 'Endpoint Security Standard (term)', 'ENDPOINT', 25, '540.00'),
    ]);
    licenseIds = partner.licenses.edges.map((edge) => edge.node.id);
    expect(new Set(licenseIds).size).toBe(2);

    // The licence itself joins its owning partner's name from the partners subgraph.
    const one = data<{ license: { partner: { name: string }; distributor: { name: string } } }>(
      await gql(resellerToken, `query ($id: ID!) { license(id: $id) { partner { name } distributor { name } } }`, { id: licenseIds[0] }),
    );
    expect(one.license).toEqual({ partner: { name: reseller.name }, distributor: { name: techData.name } });
  });

  it('issues a won deal\'s licences under the catalog SKU whatever the case the deal spelled it in', async () => {
    // Deals matches a line's SKU to the catalog ignoring case and keeps the catalog's code; the
    // product line, left out here, is the lines' (usage lines never get this far: deals refuses them).
    const registered = data<{ registerDeal: { id: string } }>(
      await gql(resellerToken, REGISTER, {
        input: {
          partnerId: reseller.id,
          distributorId: techData.id,
          endCustomer: { name: 'Cabinet Leroy', country: 'FR' },
          type: 'NEW_CUSTOMER',
          lines: [
            { sku: 'xdr-adv-t', seats: 12, unitPrice: '105.00' },
            { sku: ' Xdr-Std-T ', seats: 30, unitPrice: '70.00' },
          ],
          expectedCloseDate: '2099-12-31',
        },
      }),
    ).registerDeal;
    expect(data<{ approveDeal: { status: string } }>(await gql(staff, `mutation ($id: ID!) { approveDeal(id: $id) { status } }`, { id: registered.id })).approveDeal.status).toBe('APPROVED');
    expect(
      data<{ markDealWon: { status: string } }>(await gql(staff, `mutation ($id: ID!, $closedAt: Date!) { markDealWon(id: $id, closedAt: $closedAt) { status } }`, { id: registered.id, closedAt: today }))
        .markDealWon.status,
    ).toBe('WON');

    // A won deal's licences are issued in one transaction: once any appears, all of them have.
    type Issued = { skuCode: string; productLine: string; deployment: string; seats: number; sku: { code: string; billing: string } | null; sourceDeal: { id: string } | null };
    const issued = await eventually('licences of the lower-case deal', async () => {
      const read = await gql(
        resellerToken,
        `query ($id: ID!) { partner(id: $id) { licenses(first: 50) { edges { node { skuCode productLine deployment seats sku { code billing } sourceDeal { id } } } } } }`,
        { id: reseller.id },
      );
      const nodes = ((read.data as { partner?: { licenses?: { edges: { node: Issued }[] } } } | undefined)?.partner?.licenses?.edges ?? []).map((edge) => edge.node);
      const mine = nodes.filter((node) => node.sourceDeal?.id === registered.id);
      return mine.length > 0 ? { done: true, value: mine } : { done: false, last: read };
    });
    expect(issued).toEqual([
      { skuCode: 'XDR-ADV-T', productLine: 'XDR', deployment: 'CLOUD', seats: 12, sku: { code: 'XDR-ADV-T', billing: 'TERM' }, sourceDeal: { id: registered.id } },
      { skuCode: 'XDR-STD-T', productLine: 'XDR', deployment: 'CLOUD', seats: 30, sku: { code: 'XDR-STD-T', billing: 'TERM' }, sourceDeal: { id: registered.id } },
    ]);
  });

  it('rates a service provider\'s month from its corrected usage report only, all-units, shown to the provider', async () => {
    // Ingram Micro, which is in the usage-based program, grants the provider its master licence.
    const ingramToken = await hub.token({ sub: 'ops@ingram', role: 'distributor', distributorId: ingram.id });
    const master = data<{ grantMasterLicense: { id: string; programCode: string; currency: string; partner: { id: string }; distributor: { id: string } } }>(
      await gql(ingramToken, GRANT, { partnerId: provider.id, distributorId: ingram.id }),
    ).grantMasterLicense;
    expect(master).toMatchObject({ programCode: 'FR-2023', currency: 'EUR', partner: { id: provider.id }, distributor: { id: ingram.id } });

    type Deployed = { id: string; skuCode: string; hosting: string; status: string; deployedOn: string; customer: { id: string; name: string } };
    const deploy = async (customer: string, sku: string, hosting: string): Promise<Deployed> =>
      data<{ deployUsage: Deployed }>(await gql(providerToken, DEPLOY, { input: { partnerId: provider.id, customer: { name: customer, country: 'FR' }, sku, hosting } })).deployUsage;
    const bakery = await deploy('Boulangerie Martin', 'ENDPOINT-STD-U', 'HOSTED');
    const notary = await deploy('Étude Notariale Blanc', 'ENDPOINT-STD-U', 'CUSTOMER_SITE');
    const notaryMail = await deploy('Étude Notariale Blanc', 'EMAIL-STD-U', 'HOSTED');
    expect(notaryMail.customer.id).toBe(notary.customer.id);
    expect(bakery.customer.id).not.toBe(notary.customer.id);
    expect([bakery, notary, notaryMail].map((d) => d.status)).toEqual(['ACTIVE', 'ACTIVE', 'ACTIVE']);
    // The month the deployments went live in: the current one, still open for reports.
    usageMonth = bakery.deployedOn.slice(0, 7);
    expect(usageMonth).toBe(notaryMail.deployedOn.slice(0, 7));

    const first = data<{ submitUsageReport: { version: number; status: string; month: string } }>(
      await gql(providerToken, SUBMIT, {
        input: {
          partnerId: provider.id,
          month: usageMonth,
          lines: [
            { customer: bakery.customer.id, sku: 'ENDPOINT-STD-U', seats: 40 },
            { customer: notary.customer.id, sku: 'ENDPOINT-STD-U', seats: 30 },
            { customer: notary.customer.id, sku: 'EMAIL-STD-U', seats: 20 },
          ],
        },
      }),
    ).submitUsageReport;
    expect(first).toMatchObject({ month: usageMonth, version: 1, status: 'CURRENT' });
    // The correction: more seats, so ENDPOINT-STD-U's 110 reach the 100-seat tier and
    // EMAIL-STD-U's 500 exactly reach the 500-seat tier.
    const corrected = data<{ submitUsageReport: { version: number; status: string } }>(
      await gql(providerToken, SUBMIT, {
        input: {
          partnerId: provider.id,
          month: usageMonth,
          lines: [
            { customer: bakery.customer.id, sku: 'ENDPOINT-STD-U', seats: 60 },
            { customer: notary.customer.id, sku: 'ENDPOINT-STD-U', seats: 50 },
            { customer: notary.customer.id, sku: 'EMAIL-STD-U', seats: 500 },
          ],
        },
      }),
    ).submitUsageReport;
    expect(corrected).toMatchObject({ version: 2, status: 'CURRENT' });

    const reports = data<{ usageReports: { version: number; status: string }[] }>(
      await gql(providerToken, `query ($partnerId: ID!, $month: String!) { usageReports(partnerId: $partnerId, month: $month) { version status } }`, {
        partnerId: provider.id,
        month: usageMonth,
      }),
    ).usageReports;
    expect(reports).toEqual([
      { version: 2, status: 'CURRENT' },
      { version: 1, status: 'SUPERSEDED' },
    ]);

    // The price book, as any caller reads it.
    type Tier = { fromSeats: number; unitPrice: { amount: string; currency: string } };
    const scheduleOf = async (code: string): Promise<Tier[]> =>
      data<{ sku: { billing: string; usagePrices: Tier[] } }>(
        await gql(providerToken, `query ($code: ID!) { sku(code: $code) { billing usagePrices(currency: "EUR") { fromSeats unitPrice { amount currency } } } }`, { code }),
      ).sku.usagePrices;
    const schedules = { 'EMAIL-STD-U': await scheduleOf('EMAIL-STD-U'), 'ENDPOINT-STD-U': await scheduleOf('ENDPOINT-STD-U') };
    for (const tiers of Object.values(schedules)) {
      expect(tiers.map((tier) => tier.fromSeats)).toEqual([1, 100, 500, 1000]);
      expect(tiers.every((tier) => tier.unitPrice.currency === 'EUR')).toBe(true);
      // A volume schedule: every step is cheaper per seat than the one before.
      for (let i = 1; i < tiers.length; i += 1) expect(minor(tiers[i]!.unitPrice.amount)).toBeLessThan(minor(tiers[i - 1]!.unitPrice.amount));
    }
    // All-units: the month's total seats of a SKU, over all customers, pick one tier for every seat.
    const rate = (sku: keyof typeof schedules, seats: number) => {
      const tier = schedules[sku].filter((t) => t.fromSeats <= seats).at(-1)!;
      const amount = minor(tier.unitPrice.amount) * BigInt(seats);
      return { sku, seats, tierFromSeats: tier.fromSeats, unitPrice: { amount: tier.unitPrice.amount }, amount: { amount: decimal(amount) }, minor: amount };
    };
    const expectedLines = [rate('EMAIL-STD-U', 500), rate('ENDPOINT-STD-U', 110)];
    expect(expectedLines.map((line) => line.tierFromSeats)).toEqual([500, 100]);
    const expectedTotal = decimal(expectedLines.reduce((sum, line) => sum + line.minor, 0n));
    // The same figure by hand from the demo price book (EUR): 500 × 1.44 + 110 × 2.25.
    expect(expectedTotal).toBe('967.50');

    const read = await gql(
      providerToken,
      `query ($id: ID!) { partner(id: $id) {
        name
        masterLicense { id distributor { name } deployments { customer { name } skuCode hosting status } }
        usageStatements { totalCount edges { node { month status total { amount currency } lines { sku seats tierFromSeats unitPrice { amount } amount { amount } } } } }
      } }`,
      { id: provider.id },
    );
    const partner = data<{
      partner: {
        name: string;
        masterLicense: { id: string; distributor: { name: string }; deployments: { customer: { name: string }; skuCode: string; hosting: string; status: string }[] };
        usageStatements: { totalCount: number; edges: { node: unknown }[] };
      };
    }>(read).partner;
    expect(partner.name).toBe(provider.name);
    expect(partner.masterLicense.id).toBe(master.id);
    expect(partner.masterLicense.distributor).toEqual({ name: 'Ingram Micro' });
    const byCustomerAndSku = (a: { customer: { name: string }; skuCode: string }, b: { customer: { name: string }; skuCode: string }) =>
      `${a.customer.name}/${a.skuCode}`.localeCompare(`${b.customer.name}/${b.skuCode}`);
    expect([...partner.masterLicense.deployments].sort(byCustomerAndSku)).toEqual(
      [
        { customer: { name: 'Boulangerie Martin' }, skuCode: 'ENDPOINT-STD-U', hosting: 'HOSTED', status: 'ACTIVE' },
        { customer: { name: 'Étude Notariale Blanc' }, skuCode: 'ENDPOINT-STD-U', hosting: 'CUSTOMER_SITE', status: 'ACTIVE' },
        { customer: { name: 'Étude Notariale Blanc' }, skuCode: 'EMAIL-STD-U', hosting: 'HOSTED', status: 'ACTIVE' },
      ].sort(byCustomerAndSku),
    );
    // One statement for the month, rated from version 2 alone: nothing of version 1 is billed.
    expect(partner.usageStatements.totalCount).toBe(1);
    expect(partner.usageStatements.edges.map((edge) => edge.node)).toEqual([
      {
        month: usageMonth,
        status: 'OPEN',
        total: { amount: expectedTotal, currency: 'EUR' },
        lines: expectedLines.map(({ minor: _minor, ...line }) => line),
      },
    ]);

    // The distributor that serves the provider sees the same statement.
    const seenByIngram = data<{ usageStatement: { total: { amount: string }; partner: { name: string } } }>(
      await gql(ingramToken, `query ($partnerId: ID!, $month: String!) { usageStatement(partnerId: $partnerId, month: $month) { total { amount } partner { name } } }`, {
        partnerId: provider.id,
        month: usageMonth,
      }),
    );
    expect(seenByIngram.usageStatement).toEqual({ total: { amount: expectedTotal }, partner: { name: provider.name } });
  });

  it('keeps one partner\'s licences and usage from another partner', async () => {
    const theirs = await gql(
      outsiderToken,
      `query ($id: ID!) { partner(id: $id) { name licenses { totalCount edges { node { id customer { name } } } } } }`,
      { id: reseller.id },
    );
    expect(theirs.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(JSON.stringify(theirs)).not.toContain('Saint-Roch');
    expect(JSON.stringify(theirs)).not.toContain('totalCount');

    const licence = await gql(outsiderToken, `query ($id: ID!) { license(id: $id) { id seats customer { name } } }`, { id: licenseIds[0] });
    expect(licence.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(JSON.stringify(licence)).not.toContain('Saint-Roch');

    const listed = await gql(outsiderToken, `query ($partnerId: ID!) { licenses(first: 50, filter: { partnerId: $partnerId }) { totalCount edges { node { id } } } }`, { partnerId: reseller.id });
    expect(listed.data).toEqual({ licenses: { totalCount: 0, edges: [] } });

    const statement = await gql(outsiderToken, `query ($partnerId: ID!, $month: String!) { usageStatement(partnerId: $partnerId, month: $month) { total { amount } } }`, {
      partnerId: provider.id,
      month: usageMonth,
    });
    expect(statement.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(JSON.stringify(statement)).not.toContain('967');

    const master = await gql(outsiderToken, `query ($id: ID!) { partner(id: $id) { masterLicense { id deployments { customer { name } } } } }`, { id: provider.id });
    expect(master.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(JSON.stringify(master)).not.toContain('Boulangerie');
  });

  it('refuses a master licence through a distributor outside the usage-based program', async () => {
    // The provider is eligible and buys through Tech Data too, but Tech Data is not in the
    // usage-based program: neither Tech Data itself nor staff may grant through it.
    const techDataToken = await hub.token({ sub: 'ops@techdata', role: 'distributor', distributorId: techData.id });
    for (const token of [techDataToken, staff]) {
      const refused = await gql(token, GRANT, { partnerId: provider.id, distributorId: techData.id });
      expect(refused.data ?? null).toBeNull();
      expect(refused.errors?.[0]?.extensions?.code).toBe('LICENSES.DISTRIBUTOR_NOT_ELIGIBLE');
      expect(refused.errors?.[0]?.message).toContain('Tech Data');
    }
    // And a partner may not grant itself one at all.
    const selfGranted = await gql(outsiderToken, GRANT, { partnerId: outsider.id, distributorId: ingram.id });
    expect(selfGranted.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    // Nothing changed: the provider still holds its one master licence through Ingram Micro.
    const still = data<{ partner: { masterLicense: { distributor: { name: string } } } }>(
      await gql(providerToken, `query ($id: ID!) { partner(id: $id) { masterLicense { distributor { name } } } }`, { id: provider.id }),
    );
    expect(still.partner.masterLicense.distributor.name).toBe('Ingram Micro');
  });

  it('revokes the licences of a won deal that is reversed', async () => {
    const reversed = await gql(staff, `mutation ($id: ID!, $reason: String!) { reverseDeal(id: $id, reason: $reason) { status } }`, { id: dealId, reason: 'customer cancelled the order' });
    expect(data<{ reverseDeal: { status: string } }>(reversed).reverseDeal.status).toBe('REVERSED');
    type Revoked = { id: string; status: string; revokedReason: string | null; sourceDeal: { status: string } };
    const revoked = await eventually('revocation of the reversed deal\'s licences', async () => {
      const read = await gql(resellerToken, `query ($id: ID!) { partner(id: $id) { licenses(first: 50) { edges { node { id status revokedReason sourceDeal { status } } } } } }`, { id: reseller.id });
      const nodes = ((read.data as { partner?: { licenses?: { edges: { node: Revoked }[] } } } | undefined)?.partner?.licenses?.edges ?? []).map((edge) => edge.node);
      const mine = nodes.filter((node) => licenseIds.includes(node.id));
      return mine.length === licenseIds.length && mine.every((node) => node.status === 'REVOKED') ? { done: true, value: mine } : { done: false, last: read };
    });
    for (const licence of revoked) {
      expect(licence.revokedReason).toContain('customer cancelled the order');
      expect(licence.sourceDeal).toEqual({ status: 'REVERSED' });
    }
  });
});
