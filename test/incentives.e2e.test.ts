import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { dealsSubgraph } from '@hub/deals';
import { incentivesSubgraph } from '@hub/incentives';
import { licensesSubgraph } from '@hub/licenses';
import { partnersSubgraph } from '@hub/partners';
import { PROBE_FIELD, PROBE_LINE } from './support/deals';
import { post, startHub, type RunningHub } from './support/hub';

type Result = Awaited<ReturnType<typeof post>>['json'];

interface Money {
  amount: string;
  currency: string;
}

interface Line {
  rule: string;
  ruleVersion: number;
  source: string;
  base: { amount: string };
  rate: string;
  amount: Money;
  explanation: string;
}

interface Statement {
  id: string;
  period: string;
  status: string;
  total: Money;
  lines: Line[];
}

interface Standing {
  asOf: string;
  newBusinessRevenue: Money;
  renewalRevenue: { amount: string };
  certifiedStaff: number;
  qualifiedTier: { code: string; name: string };
  nextTier: { code: string } | null;
  gapRevenue: { amount: string } | null;
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

/** The quarter of an ISO date, "2026-Q4". */
function quarterOf(date: string): string {
  return `${date.slice(0, 4)}-Q${Math.ceil(Number(date.slice(5, 7)) / 3)}`;
}

/** "2026-Q4" → "2027-Q1". */
function quarterAfter(quarter: string): string {
  const [year, q] = [Number(quarter.slice(0, 4)), Number(quarter.slice(6))];
  return q === 4 ? `${year + 1}-Q1` : `${year}-Q${q + 1}`;
}

const CREATE_PARTNER = `mutation ($input: CreatePartnerInput!) { createPartner(input: $input) { id name tier { code } } }`;
const REGISTER = `mutation ($input: RegisterDealInput!) { registerDeal(input: $input) { id status amount { amount currency } } }`;
const APPROVE = `mutation ($id: ID!) { approveDeal(id: $id) { status } }`;
const WIN = `mutation ($id: ID!, $closedAt: Date!) { markDealWon(id: $id, closedAt: $closedAt) { status closedAt } }`;
const DEAL_INCENTIVES = `query ($id: ID!) { deal(id: $id) {
  priceQuote { listAmount { amount currency } discounts { rule rate amount { amount } explanation } netAmount { amount } }
  payoutLines { rule rate amount { amount } explanation }
} }`;
const PAYOUTS = `query ($id: ID!) { deal(id: $id) { payoutLines { rule rate amount { amount } explanation } } }`;
const STANDING = `query ($id: ID!) { partner(id: $id) { standing {
  asOf newBusinessRevenue { amount currency } renewalRevenue { amount } certifiedStaff qualifiedTier { code name } nextTier { code } gapRevenue { amount }
} } }`;
const PARTNER_INCENTIVES = `query ($id: ID!) { partner(id: $id) {
  name
  standing { asOf newBusinessRevenue { amount currency } renewalRevenue { amount } certifiedStaff qualifiedTier { code name } nextTier { code } gapRevenue { amount } }
  statements { edges { node { id period status total { amount currency } lines { rule ruleVersion source base { amount } rate amount { amount currency } explanation } } } }
} }`;
const COMPUTE = `mutation ($period: String!) { computeStatements(period: $period) { id kind status progress { done total } } }`;
const JOB_FIELDS = 'id kind status progress { done total } startedAt finishedAt error';
interface Job {
  id: string;
  kind: string;
  status: string;
  progress: { done: number; total: number };
  startedAt: string | null;
  finishedAt: string | null;
  error: string | null;
}

describe('incentives through the gateway (partners, deals, licenses and incentives on MariaDB)', () => {
  let hub: RunningHub;
  let staff: string;
  let admin: string;
  const today = new Date().toISOString().slice(0, 10);
  // markDealWon refuses a future date and the hub runs on the real clock: everything closes
  // today, so the statements are those of the current quarter.
  const quarter = quarterOf(today);
  const next = quarterAfter(quarter);

  const partners = {} as Record<'fr' | 'premier' | 'referrer' | 'seller', { id: string; name: string; token: string }>;
  const deals = {} as Record<'network' | 'frRenewal' | 'au20k' | 'au32k' | 'auRenewal' | 'referred', string>;

  const gql = async (token: string, query: string, variables?: Record<string, unknown>): Promise<Result> => (await post(hub.url, { query, variables }, token)).json;
  const data = <T>(result: Result): T => {
    expect(result.errors).toBeUndefined();
    return result.data as T;
  };
  const codes = (result: Result) => (result.errors ?? []).map((error) => error.extensions?.code);
  const statementsOf = async (key: keyof typeof partners) =>
    data<{ partner: { name: string; standing: Standing; statements: { edges: { node: Statement }[] } } }>(await gql(partners[key].token, PARTNER_INCENTIVES, { id: partners[key].id })).partner;
  /** Starts the quarter's statements job and polls job(id) until it ends: the finished job. */
  const compute = async (period: string): Promise<Job> => {
    const started = data<{ computeStatements: Job }>(await gql(admin, COMPUTE, { period })).computeStatements;
    expect(started).toMatchObject({ kind: 'statements', status: 'QUEUED', progress: { done: 0 } });
    const job = await eventually('the statements job finishing', async () => {
      const read = data<{ job: Job }>(await gql(staff, `query ($id: ID!) { job(id: $id) { ${JOB_FIELDS} } }`, { id: started.id })).job;
      return read.status === 'SUCCEEDED' || read.status === 'FAILED' ? { done: true, value: read } : { done: false, last: read };
    });
    expect(job).toMatchObject({ status: 'SUCCEEDED', error: null, startedAt: expect.any(String), finishedAt: expect.any(String) });
    expect(job.progress.done).toBe(job.progress.total);
    return job;
  };
  const statementFor = async (key: keyof typeof partners, period: string) => (await statementsOf(key)).statements.edges.map((edge) => edge.node).find((node) => node.period === period);

  beforeAll(async () => {
    hub = await startHub([partnersSubgraph, dealsSubgraph, licensesSubgraph, incentivesSubgraph], { database: 'mysql' });
    staff = await hub.token({ sub: 'cm@vendor', role: 'channel_manager' });
    admin = await hub.token({ sub: 'admin@vendor', role: 'vendor_admin' });

    const create = async (key: keyof typeof partners, input: Record<string, unknown>) => {
      const created = data<{ createPartner: { id: string; name: string } }>(await gql(staff, CREATE_PARTNER, { input: { segmentFocus: 'SMB', businessModels: ['RESELLER'], ...input } })).createPartner;
      partners[key] = { ...created, token: await hub.token({ sub: `user@${key}`, role: 'partner', partnerId: created.id }) };
    };
    await create('fr', { name: 'Incentives E2E Réseaux', country: 'FR', programCode: 'FR-2023' });
    await create('premier', { name: 'Incentives E2E Premier', country: 'AU', programCode: 'AU-2014', tierCode: 'PREMIER' });
    await create('referrer', { name: 'Incentives E2E Referrer', country: 'AU', programCode: 'AU-2014' });
    // The referred sale is someone else's: in the Premier partner's quarter it would change the
    // volume rebate base of worked example 1.
    await create('seller', { name: 'Incentives E2E Seller', country: 'AU', programCode: 'AU-2014' });

    // Expert from today: joining put the partner on Registered effective today, and an
    // assignment dated earlier than that one would not be the one in force.
    const assigned = data<{ assignTier: { tier: { code: string } } }>(
      await gql(staff, `mutation ($id: ID!, $from: Date!) { assignTier(partnerId: $id, tierCode: "EXPERT", effectiveFrom: $from, reason: "e2e: Expert partner of worked example 3") { tier { code } } }`, {
        id: partners.fr.id,
        from: today,
      }),
    ).assignTier;
    expect(assigned.tier.code).toBe('EXPERT');
    // One sales and one technical certification for Network Security earn the specialization.
    for (const [n, kind] of (['SALES', 'TECHNICAL'] as const).entries()) {
      const person = data<{ addPerson: { id: string } }>(
        await gql(staff, `mutation ($id: ID!, $input: PersonInput!) { addPerson(partnerId: $id, input: $input) { id } }`, { id: partners.fr.id, input: { name: `Ingénieur ${n + 1}`, email: `person${n + 1}@reseaux.example` } }),
      ).addPerson;
      data(
        await gql(staff, `mutation ($id: ID!, $input: CertificationInput!) { addCertification(personId: $id, input: $input) { id } }`, {
          id: person.id,
          input: { specializationCode: 'NETWORK_SECURITY', kind, validUntil: `${Number(today.slice(0, 4)) + 2}-12-31` },
        }),
      );
    }
    const fr = data<{ partner: { tier: { code: string }; specializations: { code: string }[] } }>(await gql(staff, `query ($id: ID!) { partner(id: $id) { tier { code } specializations { code } } }`, { id: partners.fr.id })).partner;
    expect(fr).toEqual({ tier: { code: 'EXPERT' }, specializations: [{ code: 'NETWORK_SECURITY' }] });
  });

  afterAll(() => hub?.close());

  it('learns the new partners, their tiers and certifications from the partners subgraph\'s events', async () => {
    for (const key of ['fr', 'premier', 'referrer', 'seller'] as const) {
      // Incentives answers a partner's standing once partner.created has reached its ledger.
      // The FR partner's certifications are its last events, so two certified people mean its
      // Expert assignment has arrived too.
      const staffCount = key === 'fr' ? 2 : 0;
      await eventually(`incentives learning ${partners[key].name}`, async () => {
        const read = await gql(staff, STANDING, { id: partners[key].id });
        const standing = (read.data as { partner?: { standing?: Standing } } | undefined)?.partner?.standing;
        return !read.errors && standing?.certifiedStaff === staffCount ? { done: true, value: standing } : { done: false, last: read };
      });
    }
    // Deals learns partners from the same events (the referrer too: a referral names a known
    // partner) and licenses' catalog from its; the probe writes nothing.
    for (const key of ['fr', 'premier', 'referrer', 'seller'] as const) {
      await eventually(`deals learning ${partners[key].name}`, async () => {
        const probe = await gql(staff, REGISTER, {
          input: { partnerId: partners[key].id, endCustomer: { name: 'Probe', country: key === 'fr' ? 'FR' : 'AU' }, type: 'NEW_CUSTOMER', lines: [PROBE_LINE], expectedCloseDate: '2099-12-31' },
        });
        return probe.errors?.[0]?.extensions?.field === PROBE_FIELD ? { done: true, value: null } : { done: false, last: probe };
      });
    }
  });

  it('registers, approves and wins the deals of the worked examples, and incentives receives every one', async () => {
    const win = async (key: keyof typeof deals, partner: keyof typeof partners, input: Record<string, unknown>, expectedAmount: Money) => {
      const registered = data<{ registerDeal: { id: string; status: string; amount: Money } }>(
        await gql(partners[partner].token, REGISTER, { input: { partnerId: partners[partner].id, expectedCloseDate: '2099-12-31', ...input } }),
      ).registerDeal;
      expect(registered).toMatchObject({ status: 'SUBMITTED', amount: expectedAmount });
      expect(data<{ approveDeal: { status: string } }>(await gql(staff, APPROVE, { id: registered.id })).approveDeal.status).toBe('APPROVED');
      expect(data<{ markDealWon: unknown }>(await gql(staff, WIN, { id: registered.id, closedAt: today })).markDealWon).toEqual({ status: 'WON', closedAt: today });
      deals[key] = registered.id;
    };
    const fr = { country: 'FR' };
    const au = { country: 'AU' };
    // Worked example 3: a new-customer network deal of 40,000 and the same deal as a renewal.
    await win('network', 'fr', { endCustomer: { name: 'Hôpital Nord', ...fr }, type: 'NEW_CUSTOMER', productLine: 'NETWORK', lines: [{ sku: 'NETWORK-ADV-T', seats: 100, unitPrice: '400.00' }] }, { amount: '40000.00', currency: 'EUR' });
    await win('frRenewal', 'fr', { endCustomer: { name: 'Mairie de Lens', ...fr }, type: 'RENEWAL', productLine: 'NETWORK', lines: [{ sku: 'NETWORK-ADV-T', seats: 80, unitPrice: '500.00' }] }, { amount: '40000.00', currency: 'EUR' });
    // Worked example 1: 20,000 + 32,340 of new business and a renewal of 10,000.
    await win('au20k', 'premier', { endCustomer: { name: 'Bondi Clinics', ...au }, type: 'NEW_CUSTOMER', productLine: 'ENDPOINT', lines: [{ sku: 'ENDPOINT-ADV-T', seats: 100, unitPrice: '200.00' }] }, { amount: '20000.00', currency: 'AUD' });
    await win('au32k', 'premier', { endCustomer: { name: 'Perth Freight', ...au }, type: 'NEW_SOLUTION', productLine: 'NETWORK', lines: [{ sku: 'NETWORK-ADV-T', seats: 98, unitPrice: '330.00' }] }, { amount: '32340.00', currency: 'AUD' });
    await win('auRenewal', 'premier', { endCustomer: { name: 'Hobart Legal', ...au }, type: 'RENEWAL', productLine: 'ENDPOINT', lines: [{ sku: 'ENDPOINT-ADV-T', seats: 50, unitPrice: '200.00' }] }, { amount: '10000.00', currency: 'AUD' });
    // Worked example 2: a referred sale of 501 seats at 120,000.
    await win(
      'referred',
      'seller',
      {
        referringPartnerId: partners.referrer.id,
        endCustomer: { name: 'Darwin Mining', ...au },
        type: 'NEW_CUSTOMER',
        productLine: 'ENDPOINT',
        lines: [
          { sku: 'ENDPOINT-ADV-T', seats: 500, unitPrice: '239.52' },
          { sku: 'ENDPOINT-ADV-T', seats: 1, unitPrice: '240.00' },
        ],
      },
      { amount: '120000.00', currency: 'AUD' },
    );

    // Every won deal reaches incentives' ledger through deal.won: the standings count them,
    // and the referred sale pays its referrer.
    for (const [key, newBusiness, renewal] of [
      ['fr', '40000.00', '40000.00'],
      ['premier', '52340.00', '10000.00'],
      ['seller', '120000.00', '0.00'],
    ] as const) {
      await eventually(`incentives counting the won deals of ${partners[key].name}`, async () => {
        const read = await gql(staff, STANDING, { id: partners[key].id });
        const standing = (read.data as { partner?: { standing?: Standing } } | undefined)?.partner?.standing;
        return standing?.newBusinessRevenue.amount === newBusiness && standing.renewalRevenue.amount === renewal ? { done: true, value: null } : { done: false, last: read };
      });
    }
  });

  it('prices the FR Expert partner\'s new-customer network deal as worked example 3, front end and registration off, back end paid', async () => {
    const deal = data<{ deal: unknown }>(await gql(partners.fr.token, DEAL_INCENTIVES, { id: deals.network })).deal;
    expect(deal).toEqual({
      priceQuote: {
        listAmount: { amount: '40000.00', currency: 'EUR' },
        discounts: [
          { rule: 'FRONT_END_DISCOUNT', rate: '17.5%', amount: { amount: '7000.00' }, explanation: expect.stringContaining('EXPERT') },
          { rule: 'DEAL_REGISTRATION_DISCOUNT', rate: '12.5%', amount: { amount: '5000.00' }, explanation: expect.stringContaining('approved registration') },
        ],
        netAmount: { amount: '28000.00' },
      },
      payoutLines: [{ rule: 'BACK_END_REBATE', rate: '4%', amount: { amount: '1600.00' }, explanation: expect.stringContaining('NETWORK_SECURITY') }],
    });
  });

  it('prices the same deal as a renewal at the renewal rate alone, with no back-end rebate', async () => {
    const deal = data<{ deal: unknown }>(await gql(partners.fr.token, DEAL_INCENTIVES, { id: deals.frRenewal })).deal;
    expect(deal).toEqual({
      priceQuote: {
        listAmount: { amount: '40000.00', currency: 'EUR' },
        discounts: [{ rule: 'FRONT_END_DISCOUNT', rate: '5%', amount: { amount: '2000.00' }, explanation: expect.stringContaining('Renewal') }],
        netAmount: { amount: '38000.00' },
      },
      payoutLines: [],
    });
  });

  it('pays the referral fee of a 501-seat sale to the referrer only, who may not see the seller\'s price', async () => {
    const referral = { rule: 'REFERRAL_FEE', rate: '10%', amount: { amount: '12000.00' }, explanation: expect.stringContaining('501-seat') };
    expect(data<{ deal: unknown }>(await gql(staff, PAYOUTS, { id: deals.referred })).deal).toEqual({ payoutLines: [referral] });
    // Each caller sees the lines payable to it: the referrer its fee, the seller (AU has no
    // per-deal payout of its own) nothing.
    expect(data<{ deal: unknown }>(await gql(partners.referrer.token, PAYOUTS, { id: deals.referred })).deal).toEqual({ payoutLines: [referral] });
    expect(data<{ deal: unknown }>(await gql(partners.seller.token, PAYOUTS, { id: deals.referred })).deal).toEqual({ payoutLines: [] });
    // The seller's price is its own business: AU-2014 has no discount rules, so list is net.
    expect(data<{ deal: { priceQuote: unknown } }>(await gql(partners.seller.token, DEAL_INCENTIVES, { id: deals.referred })).deal.priceQuote).toEqual({
      listAmount: { amount: '120000.00', currency: 'AUD' },
      discounts: [],
      netAmount: { amount: '120000.00' },
    });
    const peek = await gql(partners.referrer.token, `query ($id: ID!) { deal(id: $id) { id priceQuote { netAmount { amount } } } }`, { id: deals.referred });
    expect(codes(peek)).toContain('FORBIDDEN');
    expect((peek.data as { deal: { priceQuote?: unknown } | null } | null)?.deal?.priceQuote ?? null).toBeNull();
  });

  it('shows each partner its trailing-year standing, renewals kept out of new business, with the tier names joined from partners', async () => {
    expect((await statementsOf('fr')).standing).toEqual({
      asOf: today,
      newBusinessRevenue: { amount: '40000.00', currency: 'EUR' },
      renewalRevenue: { amount: '40000.00' },
      certifiedStaff: 2,
      // The numbers alone (40,000 €, 2 certified people) earn Registered; Skill needs 200,000 €.
      qualifiedTier: { code: 'REGISTERED', name: 'Registered' },
      nextTier: { code: 'SKILL' },
      gapRevenue: { amount: '160000.00' },
    });
    expect((await statementsOf('premier')).standing).toEqual({
      asOf: today,
      newBusinessRevenue: { amount: '52340.00', currency: 'AUD' },
      renewalRevenue: { amount: '10000.00' },
      certifiedStaff: 0,
      qualifiedTier: { code: 'ASSOCIATE', name: 'Associate' },
      nextTier: { code: 'PREMIER' },
      gapRevenue: { amount: '67660.00' },
    });
  });

  it('lets only vendor admins compute statements', async () => {
    for (const token of [partners.fr.token, staff]) {
      const refused = await gql(token, COMPUTE, { period: quarter });
      expect(codes(refused)).toEqual(['FORBIDDEN']);
    }
    // Nothing was computed by the refusals.
    expect(data<{ statements: { totalCount: number } }>(await gql(admin, '{ statements { totalCount } }')).statements.totalCount).toBe(0);
  });

  let frStatement: Statement;

  it('computes the quarter from the ledger: back-end rebate, volume rebate and referral fee, each total the sum of its lines', async () => {
    const computed = await compute(quarter);
    // FR, Premier and the referrer, a line each; the seller is owed nothing and gets no statement.
    expect(computed.progress.total).toBeGreaterThanOrEqual(3);
    expect(data<{ statements: { totalCount: number } }>(await gql(admin, `query ($p: String!) { statements(filter: { period: $p }) { totalCount } }`, { p: quarter })).statements.totalCount).toBe(3);

    const fr = await statementsOf('fr');
    expect(fr.name).toBe(partners.fr.name);
    expect(fr.statements.edges).toHaveLength(1);
    frStatement = fr.statements.edges[0]!.node;
    const backEnd = data<{ deal: { payoutLines: { explanation: string }[] } }>(await gql(partners.fr.token, PAYOUTS, { id: deals.network })).deal.payoutLines[0]!;
    expect(frStatement).toEqual({
      id: expect.any(String),
      period: quarter,
      status: 'OPEN',
      total: { amount: '1600.00', currency: 'EUR' },
      // The renewal pays nothing; the statement line is the deal's payout line, explained the same way.
      lines: [
        { rule: 'BACK_END_REBATE', ruleVersion: 1, source: `deal:${deals.network}`, base: { amount: '40000.00' }, rate: '4%', amount: { amount: '1600.00', currency: 'EUR' }, explanation: backEnd.explanation },
      ],
    });

    const premier = await statementsOf('premier');
    expect(premier.statements.edges.map((edge) => edge.node)).toEqual([
      {
        id: expect.any(String),
        period: quarter,
        status: 'OPEN',
        total: { amount: '3925.50', currency: 'AUD' },
        lines: [
          {
            rule: 'VOLUME_REBATE',
            ruleVersion: 1,
            source: `quarter:${partners.premier.id}:${quarter}`,
            base: { amount: '52340.00' },
            rate: '7.5%',
            amount: { amount: '3925.50', currency: 'AUD' },
            explanation: expect.stringContaining('1 renewal excluded'),
          },
        ],
      },
    ]);

    const referrer = await statementsOf('referrer');
    expect(referrer.statements.edges.map((edge) => edge.node)).toEqual([
      {
        id: expect.any(String),
        period: quarter,
        status: 'OPEN',
        total: { amount: '12000.00', currency: 'AUD' },
        lines: [{ rule: 'REFERRAL_FEE', ruleVersion: 1, source: `deal:${deals.referred}`, base: { amount: '120000.00' }, rate: '10%', amount: { amount: '12000.00', currency: 'AUD' }, explanation: expect.stringContaining('501-seat') }],
      },
    ]);

    expect((await statementsOf('seller')).statements.edges).toEqual([]);
    expect(data<{ statements: { totalCount: number } }>(await gql(admin, `query ($period: String!) { statements(filter: { period: $period }) { totalCount } }`, { period: quarter })).statements.totalCount).toBe(3);

    // Staff read any statement by payee and period; the payee is joined from partners.
    const byPayee = data<{ statement: unknown }>(
      await gql(staff, `query ($id: ID!, $period: String!) { statement(payeeId: $id, period: $period) { payeeKind currency payee { __typename ... on Partner { id name } } total { amount } } }`, {
        id: partners.premier.id,
        period: quarter,
      }),
    ).statement;
    expect(byPayee).toEqual({ payeeKind: 'PARTNER', currency: 'AUD', payee: { __typename: 'Partner', id: partners.premier.id, name: partners.premier.name }, total: { amount: '3925.50' } });

    for (const statement of [frStatement, premier.statements.edges[0]!.node, referrer.statements.edges[0]!.node]) {
      expect(statement.total.amount).toBe(decimal(statement.lines.reduce((sum, line) => sum + minor(line.amount.amount), 0n)));
    }
  });

  it('recomputes the open statements to identical lines', async () => {
    const before = await Promise.all((['fr', 'premier', 'referrer'] as const).map((key) => statementsOf(key)));
    await compute(quarter);
    const after = await Promise.all((['fr', 'premier', 'referrer'] as const).map((key) => statementsOf(key)));
    expect(after.map((partner) => partner.statements)).toEqual(before.map((partner) => partner.statements));
  });

  it('streams a job\'s progress over jobUpdated until it has finished, to staff only', async () => {
    const started = data<{ computeStatements: Job }>(await gql(admin, COMPUTE, { period: quarter })).computeStatements;
    const subscribe = async (token: string) => {
      const client = createClient({ url: hub.url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, connectionParams: { Authorization: `Bearer ${token}` }, retryAttempts: 0 });
      const updates: { data?: { jobUpdated: Job } | null; errors?: readonly { extensions?: Record<string, unknown> }[] }[] = [];
      try {
        // The stream ends by itself once the job has finished.
        for await (const result of client.iterate<{ jobUpdated: Job }>({ query: `subscription ($id: ID!) { jobUpdated(id: $id) { ${JOB_FIELDS} } }`, variables: { id: started.id } })) updates.push(result);
      } finally {
        await client.dispose();
      }
      return updates;
    };
    const updates = await subscribe(staff);
    const jobs = updates.map((update) => update.data!.jobUpdated);
    expect(jobs.at(-1)).toMatchObject({ id: started.id, status: 'SUCCEEDED', error: null });
    expect(jobs.at(-1)!.progress.done).toBe(jobs.at(-1)!.progress.total);
    // Progress only grows, and the status only moves forward.
    const order = ['QUEUED', 'RUNNING', 'SUCCEEDED'];
    expect(jobs.map((job) => order.indexOf(job.status))).toEqual(jobs.map((job) => order.indexOf(job.status)).sort());
    expect(jobs.map((job) => job.progress.done)).toEqual(jobs.map((job) => job.progress.done).sort((a, b) => a - b));

    // A refusal arrives as an errored result or as the stream's error, depending on the hop.
    const refused = await subscribe(partners.fr.token).catch((error: unknown) => [{ errors: (Array.isArray(error) ? error : [error]) as { extensions?: Record<string, unknown> }[] }]);
    expect(refused.flatMap((update) => update.errors ?? []).map((error) => error.extensions?.code)).toContain('FORBIDDEN');
  });

  it('keeps a partner out of another partner\'s statements', async () => {
    const other = partners.referrer.token;
    const one = await gql(other, `query ($id: ID!, $period: String!) { statement(payeeId: $id, period: $period) { id total { amount } } }`, { id: partners.fr.id, period: quarter });
    expect(codes(one)).toEqual(['FORBIDDEN']);
    expect((one.data as { statement: unknown } | null)?.statement ?? null).toBeNull();
    // A quarter without a statement answers the same: refusal does not tell whether one exists.
    const none = await gql(other, `query ($id: ID!, $period: String!) { statement(payeeId: $id, period: $period) { id } }`, { id: partners.fr.id, period: quarterAfter(next) });
    expect(codes(none)).toEqual(['FORBIDDEN']);
    // A partner's list is its own, whatever the filter asks for.
    expect(data<{ statements: { totalCount: number } }>(await gql(other, `query ($id: ID!) { statements(filter: { payeeId: $id }) { totalCount } }`, { id: partners.fr.id })).statements.totalCount).toBe(0);
    // Through the partner itself: partners refuses the partner, so nothing of incentives shows.
    const through = await gql(other, `query ($id: ID!) { partner(id: $id) { statements { totalCount edges { node { total { amount } } } } } }`, { id: partners.fr.id });
    expect(codes(through)).toContain('FORBIDDEN');
    expect((through.data as { partner: unknown } | null)?.partner ?? null).toBeNull();
    // Nor the FR partner's quote, which deals already refuses with the deal.
    const quote = await gql(other, DEAL_INCENTIVES, { id: deals.network });
    expect(codes(quote)).toContain('FORBIDDEN');
    expect((quote.data as { deal: unknown } | null)?.deal ?? null).toBeNull();
    // Nor approve a statement.
    expect(codes(await gql(partners.fr.token, `mutation ($id: ID!) { approveStatement(id: $id) { status } }`, { id: frStatement.id }))).toEqual(['FORBIDDEN']);
  });

  it('claws back the back-end rebate of a reversed deal in the next quarter once the statement that paid it is approved, which never changes again', async () => {
    const approved = data<{ approveStatement: { id: string; status: string; total: Money } }>(await gql(admin, `mutation ($id: ID!) { approveStatement(id: $id) { id status total { amount currency } } }`, { id: frStatement.id }))
      .approveStatement;
    expect(approved).toEqual({ id: frStatement.id, status: 'APPROVED', total: { amount: '1600.00', currency: 'EUR' } });

    expect(data<{ reverseDeal: { status: string } }>(await gql(staff, `mutation ($id: ID!) { reverseDeal(id: $id, reason: "e2e: order cancelled") { status } }`, { id: deals.network })).reverseDeal.status).toBe(
      'REVERSED',
    );
    // Once deal.reversed reaches incentives the deal pays nothing and no longer counts.
    await eventually('incentives learning of the reversal', async () => {
      const read = await gql(staff, STANDING, { id: partners.fr.id });
      const standing = (read.data as { partner?: { standing?: Standing } } | undefined)?.partner?.standing;
      return standing?.newBusinessRevenue.amount === '0.00' ? { done: true, value: null } : { done: false, last: read };
    });
    expect(data<{ deal: unknown }>(await gql(staff, PAYOUTS, { id: deals.network })).deal).toEqual({ payoutLines: [] });

    // The approved statement is frozen: recomputing the quarter leaves it as it was.
    await compute(quarter);
    expect(await statementFor('fr', quarter)).toEqual({ ...frStatement, status: 'APPROVED' });

    // The reversal is dated this quarter, whose statement is approved: the clawback lands in the next one.
    await compute(next);
    const clawback = await statementFor('fr', next);
    expect(clawback).toEqual({
      id: expect.any(String),
      period: next,
      status: 'OPEN',
      total: { amount: '-1600.00', currency: 'EUR' },
      lines: [
        {
          rule: 'CLAWBACK',
          ruleVersion: 1,
          source: `deal:${deals.network}`,
          base: { amount: '40000.00' },
          rate: '-100%',
          amount: { amount: '-1600.00', currency: 'EUR' },
          explanation: expect.stringMatching(new RegExp(`reversed on ${today}.*BACK_END_REBATE v1 of 1600\\.00 EUR paid in ${quarter}`)),
        },
      ],
    });
    expect((await statementsOf('fr')).statements.edges).toHaveLength(2);

    // Again: the same clawback, once.
    await compute(next);
    expect(await statementFor('fr', next)).toEqual(clawback);
    expect(await statementFor('fr', quarter)).toEqual({ ...frStatement, status: 'APPROVED' });
  });

  it('runs MDF from allocation to an approved claim paid in the quarter\'s statement', async () => {
    const premier = partners.premier;
    const allocation = data<{ allocateMdf: unknown }>(
      await gql(staff, `mutation ($id: ID!, $period: String!) { allocateMdf(partnerId: $id, period: $period, amount: "5000.00") { period partner { id } amount { amount currency } remaining { amount } } }`, {
        id: premier.id,
        period: quarter,
      }),
    ).allocateMdf;
    expect(allocation).toEqual({ period: quarter, partner: { id: premier.id }, amount: { amount: '5000.00', currency: 'AUD' }, remaining: { amount: '5000.00' } });

    const requestMdf = `mutation ($input: MdfRequestInput!) { requestMdf(input: $input) { id status amount { amount currency } } }`;
    const request = data<{ requestMdf: { id: string; status: string; amount: Money } }>(
      await gql(premier.token, requestMdf, { input: { partnerId: premier.id, period: quarter, amount: '3000.00', activity: 'Co-branded webinar series' } }),
    ).requestMdf;
    expect(request).toMatchObject({ status: 'PENDING', amount: { amount: '3000.00', currency: 'AUD' } });
    // The pending request holds its amount: 2,000.00 is left.
    const over = await gql(premier.token, requestMdf, { input: { partnerId: premier.id, period: quarter, amount: '2000.01', activity: 'Trade show booth' } });
    expect(codes(over)).toEqual(['INCENTIVES.MDF_INSUFFICIENT_BALANCE']);
    // Another partner may not draw on it.
    expect(codes(await gql(partners.referrer.token, requestMdf, { input: { partnerId: premier.id, period: quarter, amount: '10.00', activity: 'Not mine' } }))).toEqual(['FORBIDDEN']);

    expect(
      data<{ decideMdfRequest: { status: string } }>(await gql(staff, `mutation ($id: ID!) { decideMdfRequest(id: $id, approve: true, note: "fits the plan") { status } }`, { id: request.id })).decideMdfRequest.status,
    ).toBe('APPROVED');
    const claim = data<{ claimMdf: { id: string; status: string } }>(
      await gql(premier.token, `mutation ($input: MdfClaimInput!) { claimMdf(input: $input) { id status proofOfPerformance amount { amount } } }`, {
        input: { requestId: request.id, amount: '2500.00', proofOfPerformance: 'INV-WEB-0042' },
      }),
    ).claimMdf;
    expect(claim).toMatchObject({ status: 'PENDING', proofOfPerformance: 'INV-WEB-0042', amount: { amount: '2500.00' } });
    expect(data<{ decideMdfClaim: unknown }>(await gql(staff, `mutation ($id: ID!) { decideMdfClaim(id: $id, approve: true) { status decidedOn } }`, { id: claim.id })).decideMdfClaim).toEqual({
      status: 'APPROVED',
      decidedOn: today,
    });

    const read = data<{ partner: { mdfAllocations: unknown } }>(
      await gql(premier.token, `query ($id: ID!) { partner(id: $id) { mdfAllocations { period amount { amount } remaining { amount } requests { status amount { amount } claims { status amount { amount } proofOfPerformance } } } } }`, {
        id: premier.id,
      }),
    ).partner;
    expect(read.mdfAllocations).toEqual([
      {
        period: quarter,
        amount: { amount: '5000.00' },
        remaining: { amount: '2000.00' },
        requests: [{ status: 'APPROVED', amount: { amount: '3000.00' }, claims: [{ status: 'APPROVED', amount: { amount: '2500.00' }, proofOfPerformance: 'INV-WEB-0042' }] }],
      },
    ]);
    expect(codes(await gql(partners.referrer.token, `query ($id: ID!) { partner(id: $id) { mdfAllocations { id } } }`, { id: premier.id }))).toContain('FORBIDDEN');

    // The approved claim is paid in this quarter's statement, which is still open.
    await compute(quarter);
    const statement = await statementFor('premier', quarter);
    expect(statement?.lines.map((line) => [line.rule, line.source, line.base.amount, line.rate, line.amount.amount])).toEqual([
      ['MDF', `mdf-claim:${claim.id}`, '2500.00', '100%', '2500.00'],
      ['VOLUME_REBATE', `quarter:${premier.id}:${quarter}`, '52340.00', '7.5%', '3925.50'],
    ]);
    expect(statement?.lines[0]?.explanation).toContain('INV-WEB-0042');
    expect(statement?.total).toEqual({ amount: '6425.50', currency: 'AUD' });
  });

  it('follows a usage month closed in licences through job(id), which incentives answers from the job\'s events', async () => {
    const now = new Date();
    const month = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1)).toISOString().slice(0, 7);
    const started = data<{ closeUsageMonth: Job }>(await gql(staff, `mutation ($m: String!) { closeUsageMonth(month: $m) { ${JOB_FIELDS} } }`, { m: month })).closeUsageMonth;
    expect(started).toMatchObject({ kind: 'usage-month', status: 'QUEUED', progress: { done: 0 } });
    const job = await eventually('the usage month job reaching incentives', async () => {
      const read = await gql(staff, `query ($id: ID!) { job(id: $id) { ${JOB_FIELDS} } }`, { id: started.id });
      const seen = (read.data as { job: Job | null } | undefined)?.job;
      return seen?.status === 'SUCCEEDED' ? { done: true, value: seen } : { done: false, last: read };
    });
    expect(job).toMatchObject({ id: started.id, kind: 'usage-month', error: null, finishedAt: expect.any(String) });
    expect(job.progress.done).toBe(job.progress.total);
  });
});
