import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dealsSubgraph } from '@hub/deals';
import { licensesSubgraph } from '@hub/licenses';
import { partnersSubgraph } from '@hub/partners';
import { PROBE_FIELD, PROBE_LINE } from './support/deals';
import { post, startHub, type RunningHub } from './support/hub';

interface DemoPartner {
  id: string;
  name: string;
  tier: { code: string };
  distributors: { id: string; name: string }[];
}

type Result = Awaited<ReturnType<typeof post>>['json'];

const REGISTER = `mutation ($input: RegisterDealInput!) { registerDeal(input: $input) { id status partner { id } } }`;

describe('deals through the gateway', () => {
  let hub: RunningHub;
  let staff: string;
  let own: DemoPartner;
  let other: DemoPartner;
  let ownToken: string;
  let dealId: string;
  const today = new Date().toISOString().slice(0, 10);

  const gql = async (token: string, query: string, variables?: Record<string, unknown>): Promise<Result> => (await post(hub.url, { query, variables }, token)).json;

  const registration = (partner: DemoPartner, customer: string, lines: unknown[] = [{ sku: 'ENDPOINT-STD-T', seats: 120, unitPrice: '19.99' }]) => ({
    partnerId: partner.id,
    distributorId: partner.distributors[0]!.id,
    endCustomer: { name: customer, country: 'FR', domain: null },
    type: 'NEW_CUSTOMER',
    productLine: 'ENDPOINT',
    lines,
    expectedCloseDate: '2099-12-31',
  });

  beforeAll(async () => {
    // Licenses publishes the catalog deals checks lines against.
    hub = await startHub([partnersSubgraph, dealsSubgraph, licensesSubgraph]);
    staff = await hub.token({ sub: 'cm@vendor', role: 'channel_manager' });
    const listed = await gql(staff, '{ partners(first: 50, filter: { programCode: "FR-2023", status: ACTIVE }) { edges { node { id name tier { code } distributors { id name } } } } }');
    const partners = (listed.data as { partners: { edges: { node: DemoPartner }[] } }).partners.edges.map((edge) => edge.node).filter((p) => p.distributors.length > 0);
    [own, other] = partners as [DemoPartner, DemoPartner];
    ownToken = await hub.token({ sub: 'user@own', role: 'partner', partnerId: own.id });

    // Partner facts and licenses' catalog reach deals through the event bus after start. The
    // probe writes nothing: it is refused for its usage SKU once deals knows the partner and has
    // the catalog, and for an unknown partner or as SERVICE_UNAVAILABLE until then.
    const started = Date.now();
    for (const partner of [own, other]) {
      for (;;) {
        const probe = await gql(staff, REGISTER, { input: registration(partner, 'Probe', [PROBE_LINE]) });
        if (probe.errors?.[0]?.extensions?.field === PROBE_FIELD) break;
        if (Date.now() - started > 15_000) throw new Error(`deals never learned about partner ${partner.id} and the catalog: ${JSON.stringify(probe.errors)}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  });

  afterAll(() => hub?.close());

  it('lets a partner register a deal for itself, which staff approve and mark won', async () => {
    const registered = await gql(ownToken, REGISTER, { input: registration(own, 'Nordwind Logistik') });
    expect(registered.errors).toBeUndefined();
    const deal = (registered.data as { registerDeal: { id: string; status: string; partner: { id: string } } }).registerDeal;
    expect(deal).toMatchObject({ status: 'SUBMITTED', partner: { id: own.id } });
    dealId = deal.id;

    const approved = await gql(staff, `mutation ($id: ID!) { approveDeal(id: $id) { status expiresAt } }`, { id: dealId });
    expect(approved.errors).toBeUndefined();
    expect((approved.data as { approveDeal: { status: string } }).approveDeal.status).toBe('APPROVED');

    const won = await gql(staff, `mutation ($id: ID!, $closedAt: Date!) { markDealWon(id: $id, closedAt: $closedAt) { status closedAt amount { amount currency } } }`, {
      id: dealId,
      closedAt: today,
    });
    expect(won.errors).toBeUndefined();
    expect((won.data as { markDealWon: unknown }).markDealWon).toEqual({ status: 'WON', closedAt: today, amount: { amount: '2398.80', currency: 'EUR' } });
  });

  it('joins the partner, its tier and the distributor from the partners subgraph', async () => {
    const read = await gql(ownToken, `query ($id: ID!) { deal(id: $id) { status partner { name tier { code } } distributor { name } } }`, { id: dealId });
    expect(read.errors).toBeUndefined();
    expect(read.data).toEqual({ deal: { status: 'WON', partner: { name: own.name, tier: { code: own.tier.code } }, distributor: { name: own.distributors[0]!.name } } });
  });

  it('lists a partner\'s deals on the partner', async () => {
    const read = await gql(ownToken, `query ($id: ID!) { partner(id: $id) { name deals { totalCount edges { node { id status } } } } }`, { id: own.id });
    expect(read.errors).toBeUndefined();
    expect(read.data).toEqual({ partner: { name: own.name, deals: { totalCount: 1, edges: [{ node: { id: dealId, status: 'WON' } }] } } });
  });

  it('denies a partner token another partner\'s deal', async () => {
    const theirs = await gql(staff, REGISTER, { input: registration(other, 'Confidential Customer SA') });
    expect(theirs.errors).toBeUndefined();
    const theirId = (theirs.data as { registerDeal: { id: string } }).registerDeal.id;

    const denied = await gql(ownToken, `query ($id: ID!) { deal(id: $id) { id endCustomer { name } partner { name } } }`, { id: theirId });
    expect(denied.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(JSON.stringify(denied)).not.toContain('Confidential Customer');
    expect(JSON.stringify(denied)).not.toContain(other.name);

    const viaPartner = await gql(ownToken, `query ($id: ID!) { partner(id: $id) { deals { totalCount } } }`, { id: other.id });
    expect(viaPartner.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(JSON.stringify(viaPartner)).not.toContain('totalCount');

    const listed = await gql(ownToken, '{ deals(first: 50) { totalCount edges { node { id } } } }');
    expect(listed.data).toEqual({ deals: { totalCount: 1, edges: [{ node: { id: dealId } }] } });
  });

  describe('only what the catalog holds', () => {
    const count = async () => ((await gql(staff, '{ deals(first: 0) { totalCount } }')).data as { deals: { totalCount: number } }).deals.totalCount;

    it.each<[string, Record<string, unknown>, unknown[], string, string]>([
      ['a SKU the catalog does not hold', {}, [{ sku: 'WFBS-SVC', seats: 10, unitPrice: '19.99' }], 'lines[0].sku', 'not in the catalog'],
      ['a usage SKU', {}, [{ sku: 'ENDPOINT-STD-T', seats: 10, unitPrice: '19.99' }, { sku: 'email-std-u', seats: 10, unitPrice: '1.80' }], 'lines[1].sku', 'billed monthly from usage reports'],
      ['a product line the lines do not belong to', { productLine: 'NETWORK' }, [{ sku: 'ENDPOINT-ADV-T', seats: 10, unitPrice: '37.50' }], 'productLine', 'ENDPOINT'],
      ['a product line that is in no catalog', { productLine: 'VIRTUALIZATION' }, [{ sku: 'ENDPOINT-ADV-T', seats: 10, unitPrice: '37.50' }], 'productLine', 'ENDPOINT'],
      ['lines of two product lines', {}, [{ sku: 'ENDPOINT-ADV-T', seats: 10, unitPrice: '37.50' }, { sku: 'NETWORK-ADV-T', seats: 10, unitPrice: '63.00' }], 'lines[1].sku', 'one product line'],
    ])('refuses %s as BAD_USER_INPUT naming the field, registering nothing', async (_case, overrides, lines, field, reason) => {
      const before = await count();
      const refused = await gql(ownToken, REGISTER, { input: { ...registration(own, 'Refused Kunde', lines), ...overrides } });
      expect(refused.data ?? null).toBeNull();
      expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
      expect(refused.errors?.[0]?.message).toContain(reason);
      expect(await count()).toBe(before);
    });

    it('takes the deal\'s product line from its term SKUs, in any case, when the registration leaves it out', async () => {
      const { productLine: _given, ...withoutLine } = registration(other, 'Hybrid Kunde AG', [{ sku: ' hybrid_cloud-adv-t ', seats: 40, unitPrice: '58.50' }]);
      const registered = await gql(staff, `mutation ($input: RegisterDealInput!) { registerDeal(input: $input) { productLine lines { sku } } }`, { input: withoutLine });
      expect(registered.errors).toBeUndefined();
      expect(registered.data).toEqual({ registerDeal: { productLine: 'HYBRID_CLOUD', lines: [{ sku: 'HYBRID_CLOUD-ADV-T' }] } });
    });

    it('reports to staff, and only to staff, the deals whose lines the catalog does not cover', async () => {
      const report = await gql(staff, '{ dealsOutsideCatalog(first: 10) { totalCount edges { node { deal { id } lines { sku problem } } } } }');
      expect(report.errors).toBeUndefined();
      // Every deal of this hub went through the catalog check.
      expect(report.data).toEqual({ dealsOutsideCatalog: { totalCount: 0, edges: [] } });
      const denied = await gql(ownToken, '{ dealsOutsideCatalog(first: 10) { totalCount } }');
      expect(denied.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    });
  });
});
