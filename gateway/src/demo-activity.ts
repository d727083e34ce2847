/**
 * Demo activity for `pnpm start`: on a hub with no deals yet, a short history driven through the
 * gateway's own GraphQL API as a vendor admin, so every subgraph has something to show: deals in
 * the four programs (won ones issue their term licences through events), the usage program for
 * three service providers, and the current quarter's incentive statements. Going through the
 * API rather than writing rows means the demo obeys every rule a real client does.
 */

type DealType = 'NEW_CUSTOMER' | 'NEW_SOLUTION' | 'RENEWAL';

interface DemoDeal {
  /** A seeded demo partner, by name. */
  partner: string;
  distributor?: string;
  referrer?: string;
  customer: { name: string; country: string; domain?: string };
  type: DealType;
  lines: { sku: string; seats: number }[];
  /** Where the deal is left: most are won, a couple are still in the pipeline. */
  outcome: 'WON' | 'APPROVED' | 'SUBMITTED';
}

// Chosen to exercise the demo rule book: FR back-end rebates, the CH hybrid-cloud instant bonus,
// an AU referral over 500 seats and volume rebates, and a US SMB-focused partner's enterprise
// deal (segment rebate, plus the distributor incentive for a Silver partner).
const DEALS: DemoDeal[] = [
  { partner: 'Bastion Sécurité', distributor: 'Tech Data', customer: { name: 'Centre Hospitalier de Valence', country: 'FR', domain: 'ch-valence.example' }, type: 'NEW_CUSTOMER', lines: [{ sku: 'NETWORK-ADV-T', seats: 150 }], outcome: 'WON' },
  // A deal covers one product line: endpoint and email protection for one customer are two deals.
  { partner: 'Cyberlis Conseil', distributor: 'Ingram Micro', customer: { name: 'Mutuelle des Alpes', country: 'FR' }, type: 'NEW_SOLUTION', lines: [{ sku: 'ENDPOINT-ADV-T', seats: 80 }], outcome: 'WON' },
  { partner: 'Cyberlis Conseil', distributor: 'Ingram Micro', customer: { name: 'Mutuelle des Alpes', country: 'FR' }, type: 'NEW_SOLUTION', lines: [{ sku: 'EMAIL-STD-T', seats: 80 }], outcome: 'WON' },
  { partner: 'Datagarde Informatique', customer: { name: 'Mairie de Villeurbanne', country: 'FR' }, type: 'NEW_CUSTOMER', lines: [{ sku: 'HYBRID_CLOUD-STD-T', seats: 45 }], outcome: 'SUBMITTED' },
  { partner: 'Alpennetz AG', customer: { name: 'Kantonsspital Graubünden', country: 'CH' }, type: 'NEW_SOLUTION', lines: [{ sku: 'HYBRID_CLOUD-ADV-T', seats: 400 }], outcome: 'WON' },
  { partner: 'Cervin Informatique SA', distributor: 'Tech Data', customer: { name: 'Banque Cantonale du Valais', country: 'CH' }, type: 'RENEWAL', lines: [{ sku: 'ENDPOINT-STD-T', seats: 220 }], outcome: 'WON' },
  { partner: 'Fribourg Systems', distributor: 'Ingram Micro', customer: { name: 'Gruyère Fromages SA', country: 'CH' }, type: 'NEW_CUSTOMER', lines: [{ sku: 'EMAIL-STD-T', seats: 60 }], outcome: 'WON' },
  { partner: 'Harbour Bridge Technology', distributor: 'Channelworx', referrer: 'Dingo Data', customer: { name: 'Pilbara Iron Ore', country: 'AU', domain: 'pilbara-ore.example' }, type: 'NEW_CUSTOMER', lines: [{ sku: 'ENDPOINT-ADV-T', seats: 650 }], outcome: 'WON' },
  { partner: 'Anchor Point Networks', customer: { name: 'Queensland Rail Freight', country: 'AU' }, type: 'NEW_SOLUTION', lines: [{ sku: 'NETWORK-ADV-T', seats: 320 }], outcome: 'WON' },
  { partner: 'Barrier Reef IT', distributor: 'Ingram Micro', customer: { name: 'Cairns Dental Group', country: 'AU' }, type: 'RENEWAL', lines: [{ sku: 'EMAIL-STD-T', seats: 90 }], outcome: 'WON' },
  { partner: 'Everglade Systems', distributor: 'Tech Data', customer: { name: 'Tri-County Health System', country: 'US', domain: 'tricounty-health.example' }, type: 'NEW_CUSTOMER', lines: [{ sku: 'ENDPOINT-ADV-T', seats: 750 }], outcome: 'WON' },
  { partner: 'Bayou Networks', customer: { name: 'Gulf Coast Energy', country: 'US' }, type: 'NEW_CUSTOMER', lines: [{ sku: 'HYBRID_CLOUD-ADV-T', seats: 300 }], outcome: 'WON' },
  { partner: 'Lone Star Networks', distributor: 'Ingram Micro', customer: { name: 'Austin Community Credit Union', country: 'US' }, type: 'NEW_SOLUTION', lines: [{ sku: 'EMAIL-STD-T', seats: 120 }], outcome: 'APPROVED' },
];

interface DemoProvider {
  partner: string;
  /** A distributor in the usage-based program that the provider buys through. */
  distributor: string;
  country: string;
  /** This month's seats per customer and usage SKU; the totals per SKU pick the volume tier. */
  usage: { customer: string; sku: string; hosting: 'HOSTED' | 'CUSTOMER_SITE'; seats: number }[];
}

// Per-SKU totals land on different all-units tiers (from 1, 100, 500 and 1,000 seats).
const PROVIDERS: DemoProvider[] = [
  {
    partner: 'Gardien Cloud',
    distributor: 'Ingram Micro',
    country: 'FR',
    usage: [
      { customer: 'Pharmacie du Parc', sku: 'ENDPOINT-STD-U', hosting: 'HOSTED', seats: 45 },
      { customer: 'Cabinet Moreau Avocats', sku: 'ENDPOINT-STD-U', hosting: 'CUSTOMER_SITE', seats: 30 },
      { customer: 'Cabinet Moreau Avocats', sku: 'EMAIL-STD-U', hosting: 'HOSTED', seats: 30 },
    ],
  },
  {
    partner: 'Flinders Managed Services',
    distributor: 'Channelworx',
    country: 'AU',
    usage: [
      { customer: 'Fremantle Logistics', sku: 'ENDPOINT-ADV-U', hosting: 'HOSTED', seats: 140 },
      { customer: 'Great Southern Dental', sku: 'ENDPOINT-ADV-U', hosting: 'HOSTED', seats: 85 },
      { customer: 'Great Southern Dental', sku: 'EMAIL-STD-U', hosting: 'HOSTED', seats: 85 },
    ],
  },
  {
    partner: 'Hudson Cloud',
    distributor: 'Ingram Micro',
    country: 'US',
    usage: [
      { customer: 'Albany Medical Group', sku: 'MANAGED_DR-SVC-U', hosting: 'HOSTED', seats: 380 },
      { customer: 'Catskill Credit Union', sku: 'MANAGED_DR-SVC-U', hosting: 'CUSTOMER_SITE', seats: 260 },
      { customer: 'Albany Medical Group', sku: 'XDR-ADV-U', hosting: 'HOSTED', seats: 1150 },
    ],
  },
];

/** How long to wait for events to reach deals, licences and incentives; they take milliseconds. */
const EVENT_DEADLINE_MS = 30_000;
const REQUEST_TIMEOUT_MS = 15_000;

class ApiError extends Error {
  constructor(
    message: string,
    readonly code?: unknown,
    readonly field?: unknown,
  ) {
    super(message);
  }
}

type Gql = <T>(query: string, variables?: Record<string, unknown>) => Promise<T>;

function client(url: string, token: string): Gql {
  return async <T>(query: string, variables?: Record<string, unknown>) => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const body = (await response.json()) as { data?: T; errors?: { message: string; extensions?: Record<string, unknown> }[] };
    const error = body.errors?.[0];
    if (error) throw new ApiError(error.message, error.extensions?.code, error.extensions?.field);
    if (!body.data) throw new Error(`HTTP ${response.status} without data`);
    return body.data;
  };
}

/** Polls `probe` until it answers, or fails once the deadline has passed. */
async function until<T>(what: string, deadline: number, probe: () => Promise<T | undefined>): Promise<T> {
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${EVENT_DEADLINE_MS / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * Deals and licences keep their own copy of partners and distributors, fed by the partners
 * subgraph's events, and deals its copy of licenses' catalog; on a first start those may still
 * be on their way: while a write fails only because a party is not known there yet, or because
 * the catalog has not arrived (SERVICE_UNAVAILABLE, retryable), try again.
 */
async function onceKnown<T>(deadline: number, write: () => Promise<T>): Promise<T> {
  for (;;) {
    try {
      return await write();
    } catch (error) {
      const notYetKnown =
        error instanceof ApiError && error.code === 'BAD_USER_INPUT' && ['partnerId', 'distributorId', 'referringPartnerId'].includes(String(error.field)) && /^unknown /.test(error.message);
      const catalogOnItsWay = error instanceof ApiError && error.code === 'SERVICE_UNAVAILABLE';
      if (!(notYetKnown || catalogOnItsWay) || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

const todayUtc = () => new Date().toISOString().slice(0, 10);
const quarterOf = (date: string) => `${date.slice(0, 4)}-Q${Math.ceil(Number(date.slice(5, 7)) / 3)}`;
const daysFrom = (date: string, days: number) => new Date(Date.parse(date) + days * 86_400_000).toISOString().slice(0, 10);

interface PartnerNode {
  id: string;
  name: string;
  program: { currency: string };
  distributors: { id: string; name: string }[];
}

export interface DemoActivityOptions {
  /** The gateway's GraphQL endpoint. */
  url: string;
  /** A vendor_admin token: computing statements is theirs alone. */
  token: string;
  log: Pick<Console, 'log' | 'warn'>;
}

/**
 * Runs the demo activity once per database: it does nothing when deals exist. It never throws:
 * the hub is useful without it, so a failure is a warning.
 */
export async function runDemoActivity({ url, token, log }: DemoActivityOptions): Promise<void> {
  const started = Date.now();
  try {
    const summary = await drive(client(url, token));
    if (summary) log.log(`Demo activity: ${summary} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  } catch (error) {
    log.warn(`Demo activity not completed, the hub runs without it: ${error instanceof Error ? error.message : String(error)}`);
  }
}

async function drive(gql: Gql): Promise<string | undefined> {
  const { deals } = await gql<{ deals: { totalCount: number } }>('{ deals(first: 0) { totalCount } }');
  if (deals.totalCount > 0) return undefined;
  const deadline = Date.now() + EVENT_DEADLINE_MS;

  const { partners } = await gql<{ partners: { edges: { node: PartnerNode }[] } }>(
    '{ partners(first: 500) { edges { node { id name program { currency } distributors { id name } } } } }',
  );
  const partnerNamed = (name: string) => {
    const partner = partners.edges.find((edge) => edge.node.name === name)?.node;
    if (!partner) throw new Error(`demo partner "${name}" not found`);
    return partner;
  };
  const distributorOf = (partner: PartnerNode, name: string) => {
    const distributor = partner.distributors.find((d) => d.name === name);
    if (!distributor) throw new Error(`${partner.name} does not buy through ${name}`);
    return distributor.id;
  };

  // Deal lines at the catalog's price per seat-year in the partner's currency, an exact decimal.
  const catalogPrice = async (sku: string, currency: string) => {
    const { sku: found } = await gql<{ sku: { termPrice: { amount: string } | null } | null }>(
      'query ($code: ID!, $currency: String!) { sku(code: $code) { termPrice(currency: $currency) { amount } } }',
      { code: sku, currency },
    );
    if (!found?.termPrice) throw new Error(`${sku} has no term price in ${currency}`);
    return { unitPrice: found.termPrice.amount };
  };

  let won = 0;
  let termLines = 0;
  for (const deal of DEALS) {
    const partner = partnerNamed(deal.partner);
    const lines = [];
    for (const line of deal.lines) lines.push({ ...line, ...(await catalogPrice(line.sku, partner.program.currency)) });
    const input = {
      partnerId: partner.id,
      distributorId: deal.distributor && distributorOf(partner, deal.distributor),
      referringPartnerId: deal.referrer && partnerNamed(deal.referrer).id,
      endCustomer: deal.customer,
      type: deal.type,
      // No productLine: deals takes it from the lines' SKUs.
      lines: lines.map(({ sku, seats, unitPrice }) => ({ sku, seats, unitPrice })),
      expectedCloseDate: daysFrom(todayUtc(), 45),
    };
    const { registerDeal } = await onceKnown(deadline, () => gql<{ registerDeal: { id: string } }>('mutation ($input: RegisterDealInput!) { registerDeal(input: $input) { id } }', { input }));
    if (deal.outcome === 'SUBMITTED') continue;
    await gql('mutation ($id: ID!) { approveDeal(id: $id) { id } }', { id: registerDeal.id });
    if (deal.outcome === 'APPROVED') continue;
    // Closed today: deals refuses a close date in the future or before the registration.
    await gql('mutation ($id: ID!, $closedAt: Date!) { markDealWon(id: $id, closedAt: $closedAt) { id } }', { id: registerDeal.id, closedAt: todayUtc() });
    won += 1;
    termLines += lines.length;
  }

  for (const provider of PROVIDERS) {
    const partner = partnerNamed(provider.partner);
    const distributorId = distributorOf(partner, provider.distributor);
    await onceKnown(deadline, () =>
      gql('mutation ($partnerId: ID!, $distributorId: ID!) { grantMasterLicense(partnerId: $partnerId, distributorId: $distributorId) { id } }', { partnerId: partner.id, distributorId }),
    );
    let month = '';
    const lines = [];
    for (const use of provider.usage) {
      const { deployUsage } = await gql<{ deployUsage: { deployedOn: string; customer: { id: string } } }>(
        'mutation ($input: DeployUsageInput!) { deployUsage(input: $input) { deployedOn customer { id } } }',
        { input: { partnerId: partner.id, customer: { name: use.customer, country: provider.country }, sku: use.sku, hosting: use.hosting } },
      );
      // The month the deployments went live in, by the licences subgraph's own clock.
      month = deployUsage.deployedOn.slice(0, 7);
      lines.push({ customer: deployUsage.customer.id, sku: use.sku, seats: use.seats });
    }
    await gql('mutation ($input: UsageReportInput!) { submitUsageReport(input: $input) { id } }', { input: { partnerId: partner.id, month, lines } });
  }

  // Won deals issue their licences and reach incentives' ledger through events: wait for both,
  // so the summary is true and the statements include every deal.
  const licences = await until('licences of the won deals', deadline, async () => {
    const { licenses } = await gql<{ licenses: { totalCount: number } }>('{ licenses(first: 0) { totalCount } }');
    return licenses.totalCount >= termLines ? licenses.totalCount : undefined;
  });
  const period = quarterOf(todayUtc());
  await until('incentives learning of the won deals', deadline, async () => {
    const { partnerMetrics } = await gql<{ partnerMetrics: { edges: { node: { dealsWon: number } }[] } }>(
      'query ($period: String!) { partnerMetrics(period: $period, first: 500) { edges { node { dealsWon } } } }',
      { period },
    );
    return partnerMetrics.edges.reduce((sum, edge) => sum + edge.node.dealsWon, 0) >= won ? true : undefined;
  });
  // Statements are computed by a job: wait for it, then count what it wrote.
  const { computeStatements } = await gql<{ computeStatements: { id: string } }>('mutation ($period: String!) { computeStatements(period: $period) { id } }', { period });
  await until('the statements job', deadline, async () => {
    const { job } = await gql<{ job: { status: string; error: string | null } }>('query ($id: ID!) { job(id: $id) { status error } }', { id: computeStatements.id });
    if (job.status === 'FAILED') throw new Error(`computing the statements for ${period} failed: ${job.error}`);
    return job.status === 'SUCCEEDED' ? true : undefined;
  });
  const { statements } = await gql<{ statements: { totalCount: number } }>('query ($period: String!) { statements(filter: { period: $period }, first: 0) { totalCount } }', { period });

  return `${DEALS.length} deals (${won} won), ${licences} licences, ${PROVIDERS.length} usage statements, ${statements.totalCount} incentive statements for ${period}`;
}
