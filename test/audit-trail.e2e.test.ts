import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dealsSubgraph } from '@hub/deals';
import { licensesSubgraph } from '@hub/licenses';
import { partnersSubgraph } from '@hub/partners';
import { PROBE_FIELD, PROBE_LINE } from './support/deals';
import { post, startHub, type RunningHub } from './support/hub';

type Result = Awaited<ReturnType<typeof post>>['json'];

interface DemoPartner {
  id: string;
  name: string;
  distributors: { id: string }[];
}

interface AuditNode {
  actor: string;
  role: string;
  operation: string;
  rootField: string;
  targetIds: string[];
  at: string;
  requestId: string | null;
  subgraph: string;
}

const AUDIT = `query Audit($filter: AuditEventFilter, $first: Int, $after: String) {
  auditEvents(filter: $filter, first: $first, after: $after) {
    totalCount
    edges { node { actor role operation rootField targetIds at requestId subgraph } }
  }
}`;
const REGISTER = `mutation RegisterAuditedDeal($input: RegisterDealInput!) { registerDeal(input: $input) { id } }`;
const RENAME = `mutation RenamePartner($id: ID!, $name: String!) { updatePartner(id: $id, input: { name: $name }) { id } }`;
const APPROVE = `mutation ApproveAuditedDeal($id: ID!) { approveDeal(id: $id) { id } }`;
const DEADLINE_MS = 15_000;

describe('the audit trail through the gateway (partners and deals, embedded SQLite)', () => {
  let hub: RunningHub;
  let admin: string;
  let staff: string;
  let partnerToken: string;
  let partner: DemoPartner;
  let dealId: string;
  let startedAt: Date;
  let finishedAt: Date;

  const gql = async (token: string, query: string, variables?: Record<string, unknown>): Promise<Result> => (await post(hub.url, { query, variables }, token)).json;
  const audit = async (filter: Record<string, unknown>) => {
    const result = await gql(admin, AUDIT, { filter, first: 500 });
    expect(result.errors).toBeUndefined();
    const { auditEvents } = result.data as { auditEvents: { totalCount: number; edges: { node: AuditNode }[] } };
    return { total: auditEvents.totalCount, nodes: auditEvents.edges.map((edge) => edge.node) };
  };
  /** Deals' rows reach partners through the outbox and the bus: poll until `count` are listed. */
  const auditOnce = async (filter: Record<string, unknown>, count: number) => {
    const deadline = Date.now() + DEADLINE_MS;
    for (;;) {
      const listed = await audit(filter);
      if (listed.total >= count || Date.now() > deadline) return listed;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };

  beforeAll(async () => {
    // Licenses publishes the catalog deals checks lines against.
    hub = await startHub([partnersSubgraph, dealsSubgraph, licensesSubgraph]);
    admin = await hub.token({ sub: 'auditor@vendor', role: 'vendor_admin' });
    staff = await hub.token({ sub: 'cm-audit@vendor', role: 'channel_manager' });
    const listed = await gql(staff, '{ partners(first: 50, filter: { programCode: "FR-2023", status: ACTIVE }) { edges { node { id name distributors { id } } } } }');
    partner = (listed.data as { partners: { edges: { node: DemoPartner }[] } }).partners.edges.map((edge) => edge.node).find((p) => p.distributors.length > 0)!;
    partnerToken = await hub.token({ sub: 'user@audited-partner', role: 'partner', partnerId: partner.id });
    const registration = (lines: unknown[]) => ({
      partnerId: partner.id,
      distributorId: partner.distributors[0]!.id,
      endCustomer: { name: 'Audit Kunde', country: 'FR', domain: null },
      type: 'NEW_CUSTOMER',
      productLine: 'ENDPOINT',
      lines,
      expectedCloseDate: '2099-12-31',
    });
    // Deals learns about partners and the catalog from events; the probe is refused (and writes nothing) either way.
    for (const started = Date.now(); ; ) {
      const probe = await gql(staff, REGISTER, { input: registration([PROBE_LINE]) });
      if (probe.errors?.[0]?.extensions?.field === PROBE_FIELD) break;
      if (Date.now() - started > DEADLINE_MS) throw new Error(`deals never learned about partner ${partner.id} and the catalog: ${JSON.stringify(probe.errors)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }

    startedAt = new Date();
    const renamed = await gql(staff, RENAME, { id: partner.id, name: `${partner.name} (audited)` });
    expect(renamed.errors).toBeUndefined();
    const registered = await gql(partnerToken, REGISTER, { input: registration([{ sku: 'ENDPOINT-STD-T', seats: 30, unitPrice: '19.99' }]) });
    expect(registered.errors).toBeUndefined();
    dealId = (registered.data as { registerDeal: { id: string } }).registerDeal.id;
    const approved = await gql(staff, APPROVE, { id: dealId });
    expect(approved.errors).toBeUndefined();
    finishedAt = new Date();
  });

  afterAll(() => hub?.close());

  it('lists a staff member\'s changes in partners and in deals, filtered by actor', async () => {
    const { nodes } = await auditOnce({ actor: 'cm-audit@vendor' }, 2);
    expect(nodes.map((node) => [node.subgraph, node.rootField, node.operation, node.role])).toEqual([
      ['partners', 'updatePartner', 'RenamePartner', 'channel_manager'],
      ['deals', 'approveDeal', 'ApproveAuditedDeal', 'channel_manager'],
    ]);
    expect(nodes[0]!.targetIds).toContain(partner.id);
    expect(nodes[1]!.targetIds).toContain(dealId);
    for (const node of nodes) expect(node.requestId).toBeTruthy();
  });

  it('lists a partner user\'s registration, made in deals, under that user', async () => {
    const { nodes } = await auditOnce({ actor: 'user@audited-partner' }, 1);
    expect(nodes).toHaveLength(1);
    expect(nodes[0]).toMatchObject({ subgraph: 'deals', role: 'partner', rootField: 'registerDeal', operation: 'RegisterAuditedDeal' });
    expect(nodes[0]!.targetIds).toContain(dealId);
  });

  it('filters by time range and by operation', async () => {
    await auditOnce({ from: startedAt.toISOString() }, 3);
    const during = await audit({ from: startedAt.toISOString(), to: new Date(finishedAt.getTime() + 1).toISOString() });
    expect(during.nodes.map((node) => node.rootField)).toEqual(['updatePartner', 'registerDeal', 'approveDeal']);
    expect((await audit({ to: startedAt.toISOString() })).total).toBe(0);
    expect((await audit({ from: new Date(finishedAt.getTime() + 1).toISOString() })).total).toBe(0);
    const byOperation = await audit({ operation: 'ApproveAuditedDeal' });
    expect(byOperation.nodes.map((node) => node.actor)).toEqual(['cm-audit@vendor']);
  });

  it('refuses everyone but vendor admins', async () => {
    const others = [
      staff,
      partnerToken,
      await hub.token({ sub: 'bi-tool', role: 'bi' }),
    ];
    for (const token of others) {
      const refused = await gql(token, AUDIT, {});
      expect(refused.errors?.map((error) => error.extensions?.code)).toEqual(['FORBIDDEN']);
    }
  });
});
