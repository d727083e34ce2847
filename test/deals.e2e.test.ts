import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dealsSubgraph } from '@hub/deals';
import { partnersSubgraph } from '@hub/partners';
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

  const registration = (partner: DemoPartner, customer: string, lines = [{ sku: 'WFBS-SVC', seats: 120, unitPrice: '19.99' }]) => ({
    partnerId: partner.id,
    distributorId: partner.distributors[0]!.id,
    endCustomer: { name: customer, country: 'FR', domain: null },
    type: 'NEW_CUSTOMER',
    productLine: 'ENDPOINT',
    lines,
    expectedCloseDate: '2099-12-31',
  });

  beforeAll(async () => {
    hub = await startHub([partnersSubgraph, dealsSubgraph]);
    staff = await hub.token({ sub: 'cm@vendor', role: 'channel_manager' });
    const listed = await gql(staff, '{ partners(first: 50, filter: { programCode: "FR-2023", status: ACTIVE }) { edges { node { id name tier { code } distributors { id name } } } } }');
    const partners = (listed.data as { partners: { edges: { node: DemoPartner }[] } }).partners.edges.map((edge) => edge.node).filter((p) => p.distributors.length > 0);
    [own, other] = partners as [DemoPartner, DemoPartner];
    ownToken = await hub.token({ sub: 'user@own', role: 'partner', partnerId: own.id });

    // Partner facts reach deals through the event bus after start. A registration without lines
    // writes nothing: it is refused for its lines once deals knows the partner, and for an
    // unknown partner until then.
    const started = Date.now();
    for (const partner of [own, other]) {
      for (;;) {
        const probe = await gql(staff, REGISTER, { input: { ...registration(partner, 'Probe'), lines: [] } });
        if (probe.errors?.[0]?.extensions?.field === 'lines') break;
        if (Date.now() - started > 15_000) throw new Error(`deals never learned about partner ${partner.id}: ${JSON.stringify(probe.errors)}`);
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
});
