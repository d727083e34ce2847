import { createHmac, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient as createSseClient } from 'graphql-sse';
import { dealsSubgraph } from '@hub/deals';
import { composeSupergraph, printSubgraphs } from '@hub/gateway/compose';
import { incentivesSubgraph } from '@hub/incentives';
import { licensesSubgraph } from '@hub/licenses';
import { partnersSubgraph } from '@hub/partners';
import { JWT_SECRET, post, startHub, type RunningHub } from '../support/hub';
import { ACCESS_TABLE, ROLES, type Access, type Role } from './access-table';
import { apiRootFields, buildOperation, type ArgumentSource, type BuiltOperation, type RootField } from './operations';

type Response = Awaited<ReturnType<typeof post>>;
type Caller = Role | 'anonymous';
type Side = 'own' | 'other';

const MODULES = [partnersSubgraph, dealsSubgraph, licensesSubgraph, incentivesSubgraph];
// The API the hub under test serves, composed from the subgraphs' code as the hub composes it,
// so a root field someone adds is in the matrix before anyone recomposes the committed file.
const ROOT_FIELDS = apiRootFields(composeSupergraph(await printSubgraphs(MODULES)));

const today = new Date().toISOString().slice(0, 10);
const quarter = `${today.slice(0, 4)}-Q${Math.ceil(Number(today.slice(5, 7)) / 3)}`;
const TERM_SKU = 'ENDPOINT-ADV-T';
const USAGE_SKU = 'ENDPOINT-ADV-U';
/** Nothing listens there; deliveries fail and are retried, which is all the matrix needs. */
const WEBHOOK_URL = 'http://127.0.0.1:9/security-matrix';
/** How long an accepted subscription is watched for a late refusal. */
const SUBSCRIBE_WINDOW_MS = 1_500;

/** What an id argument identifies, by its name; `id` itself is the returned type's. */
const ID_KINDS: Record<string, string> = {
  partnerId: 'Partner',
  distributorId: 'Distributor',
  personId: 'Person',
  dealId: 'Deal',
  winnerDealId: 'Deal',
  requestId: 'MdfRequest',
  endpointId: 'WebhookEndpoint',
};
const RETURNED_KINDS: Record<string, string> = { WebhookRegistration: 'WebhookEndpoint' };
const TENANT_KEYS = ['partnerId', 'distributorId', 'payeeId'];

/** Values that pass input validation, so the request reaches the access check. */
const VALUES: Record<string, () => unknown> = {
  name: () => `Security matrix ${randomUUID().slice(0, 8)}`,
  country: () => 'AU',
  programCode: () => 'AU-2014',
  code: () => 'AU-2014',
  tierCode: () => 'PREMIER',
  productLine: () => 'ENDPOINT',
  sku: () => TERM_SKU,
  'DeployUsageInput.sku': () => USAGE_SKU,
  'UsageLineInput.sku': () => USAGE_SKU,
  period: () => quarter,
  month: () => today.slice(0, 7),
  amount: () => '10.00',
  unitPrice: () => '10.00',
  seats: () => 5,
  days: () => 10,
  termMonths: () => 12,
  email: () => `matrix-${randomUUID().slice(0, 8)}@example.com`,
  url: () => WEBHOOK_URL,
  specializationCode: () => 'ENDPOINT',
};

interface Tenants {
  own: Record<string, string>;
  other: Record<string, string>;
}

function argumentSource(tenants: Tenants, role: Caller, side: Side, withTenantFilters: boolean): ArgumentSource {
  const ids = tenants[side];
  return {
    id(name, holder) {
      if (name === 'code') return TERM_SKU;
      // A distributor is paid as a payee in its own right; everyone else asks about a partner.
      const payee = role === 'distributor' ? 'Distributor' : 'Partner';
      const kind = name === 'id' ? (RETURNED_KINDS[holder] ?? holder) : name === 'payeeId' ? payee : ID_KINDS[name];
      // An id of nothing the matrix set up: refused or not before any lookup, as the table says.
      return (kind && ids[kind]) ?? randomUUID();
    },
    value: (name, holder) => (VALUES[`${holder}.${name}`] ?? VALUES[name])?.(),
    ...(withTenantFilters ? { tenantKeys: TENANT_KEYS } : {}),
  };
}

function errorCodes(response: Response): string[] {
  return (response.json.errors ?? []).map((error) => String(error.extensions?.code));
}

/** How the hub treated the caller: refused at the door, refused by the access rules, or let through. */
function authorisation(response: Response): string {
  const codes = errorCodes(response);
  if (response.status === 401 || codes.includes('UNAUTHENTICATED')) return 'unauthenticated';
  if (codes.includes('FORBIDDEN')) return 'forbidden';
  // A request the schema refuses never reached an access check: the generator is wrong.
  if (response.status >= 500 || codes.some((code) => /GRAPHQL_(VALIDATION|PARSE)_FAILED|INTERNAL_SERVER_ERROR/.test(code))) {
    return `broken: HTTP ${response.status} ${JSON.stringify(response.json.errors)}`;
  }
  return 'allowed';
}

/** The other tenant's ids found in an answer; none is the only right number. */
function leaked(response: Response, otherIds: readonly string[]): string[] {
  const text = JSON.stringify(response.json.data ?? null);
  return otherIds.filter((id) => text.includes(id));
}

/** A cross-tenant request is kept out when refused, or when it answers without the other's data. */
function crossTenantVerdict(response: Response, otherIds: readonly string[]): string {
  const codes = errorCodes(response);
  if (codes.includes('FORBIDDEN') || codes.includes('NOT_FOUND')) return 'kept out';
  if (codes.length > 0) return `answered ${codes.join(', ')}: ${response.json.errors?.[0]?.message}`;
  const found = leaked(response, otherIds);
  return found.length > 0 ? `leaked ${found.join(', ')}: ${JSON.stringify(response.json.data)}` : 'kept out';
}

/**
 * Subscribes over SSE (the gateway's distinct-connection mode) and reports the first result, or
 * none when the subscription stays open and quiet for the window: it was accepted.
 */
async function subscribeOnce(url: string, operation: BuiltOperation, token?: string): Promise<Response> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), SUBSCRIBE_WINDOW_MS);
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(operation),
      signal: controller.signal,
    });
    if (!response.headers.get('content-type')?.includes('text/event-stream')) return { status: response.status, json: (await response.json()) as never };
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return { status: response.status, json: {} };
      text += value;
      const next = /event: next\r?\ndata: (.*)\r?\n/.exec(text);
      if (next) return { status: response.status, json: JSON.parse(next[1]!) as never };
    }
  } catch (error) {
    if (controller.signal.aborted) return { status: 200, json: {} };
    throw error;
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
}

/** An HS256 token with exactly these claims, for the malformed ones `mintToken` will not make. */
function signRawToken(payload: Record<string, unknown>): string {
  const encode = (part: object) => Buffer.from(JSON.stringify(part)).toString('base64url');
  const unsigned = `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode(payload)}`;
  return `${unsigned}.${createHmac('sha256', JWT_SECRET).update(unsigned).digest('base64url')}`;
}

describe('authorisation matrix: every root field × every role, through the gateway', () => {
  let hub: RunningHub;
  let tokens: Record<Role, string>;
  let tenants: Tenants;
  let otherIds: string[];
  let ownDistributorId: string;
  let otherDeal: { partnerId: string; distributorId: string };
  const allowPrivateBefore = process.env.WEBHOOK_ALLOW_PRIVATE;

  const gql = async <T>(token: string, query: string, variables?: Record<string, unknown>): Promise<T> => {
    const response = await post(hub.url, { query, variables }, token);
    expect(response.json.errors, query).toBeUndefined();
    return response.json.data as T;
  };
  /**
   * Deals, licences and incentives learn partners and distributors from the partners subgraph's
   * events, and deals the catalog from licenses': while a write is refused only because a party
   * is not known there yet, or the catalog is still arriving (SERVICE_UNAVAILABLE), try again.
   */
  const onceKnown = async <T>(query: string, variables: Record<string, unknown>): Promise<T> => {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const response = await post(hub.url, { query, variables }, tokens.vendor_admin);
      const error = response.json.errors?.[0];
      const unknownParty = error?.extensions?.code === 'BAD_USER_INPUT' && /^unknown /.test(error.message);
      const catalogArriving = error?.extensions?.code === 'SERVICE_UNAVAILABLE';
      if (!(unknownParty || catalogArriving) || Date.now() > deadline) {
        expect(response.json.errors, query).toBeUndefined();
        return response.json.data as T;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  const registerDeal = async (partnerId: string, distributorId: string, customer: string, country: string): Promise<string> =>
    (
      await onceKnown<{ registerDeal: { id: string } }>('mutation ($input: RegisterDealInput!) { registerDeal(input: $input) { id } }', {
        input: {
          partnerId,
          distributorId,
          endCustomer: { name: customer, country },
          type: 'NEW_CUSTOMER',
          productLine: 'ENDPOINT',
          lines: [{ sku: TERM_SKU, seats: 10, unitPrice: '50.00' }],
          expectedCloseDate: today,
        },
      })
    ).registerDeal.id;

  beforeAll(async () => {
    // The matrix's webhooks point at the loopback; this is the switch for local receivers.
    process.env.WEBHOOK_ALLOW_PRIVATE = 'true';
    hub = await startHub(MODULES);
    const admin = await hub.token({ sub: 'matrix-admin', role: 'vendor_admin' });
    tokens = {
      vendor_admin: admin,
      channel_manager: await hub.token({ sub: 'matrix-cm', role: 'channel_manager' }),
      bi: await hub.token({ sub: 'matrix-bi', role: 'bi' }),
      partner: '',
      distributor: '',
    };

    interface PartnerNode {
      id: string;
      name: string;
      distributors: { id: string; name: string }[];
      people: { id: string }[];
    }
    const named = async (name: string): Promise<PartnerNode> => {
      const { partners } = await gql<{ partners: { edges: { node: PartnerNode }[] } }>(
        admin,
        'query ($name: String!) { partners(first: 1, filter: { nameContains: $name }) { edges { node { id name distributors { id name } people { id } } } } }',
        { name },
      );
      const partner = partners.edges[0]?.node;
      if (partner?.name !== name) throw new Error(`demo partner ${name} is missing`);
      return partner;
    };
    const distributorOf = (partner: PartnerNode, name: string) => {
      const distributor = partner.distributors.find((d) => d.name === name);
      if (!distributor) throw new Error(`${partner.name} does not buy through ${name}`);
      return distributor.id;
    };
    // Own: an Australian service provider (usage program, eligible for MDF) and the distributor
    // it buys through. Other: demo partners, and objects, that this distributor does not serve.
    const provider = await named('Flinders Managed Services');
    const channelworx = distributorOf(provider, 'Channelworx');
    const gardien = await named('Gardien Cloud');
    const bastion = await named('Bastion Sécurité');
    const barrierReef = await named('Barrier Reef IT');
    for (const other of [gardien, bastion]) expect(other.distributors.map((d) => d.id)).not.toContain(channelworx);
    const ingram = distributorOf(gardien, 'Ingram Micro');
    ownDistributorId = channelworx;
    otherDeal = { partnerId: bastion.id, distributorId: distributorOf(bastion, 'Tech Data') };
    tokens.partner = await hub.token({ sub: 'matrix-partner', role: 'partner', partnerId: provider.id });
    tokens.distributor = await hub.token({ sub: 'matrix-distributor', role: 'distributor', distributorId: channelworx });

    const wonDeal = async (partnerId: string, distributorId: string, customer: string, country: string) => {
      const id = await registerDeal(partnerId, distributorId, customer, country);
      await gql(admin, 'mutation ($id: ID!) { approveDeal(id: $id) { id } }', { id });
      await gql(admin, 'mutation ($id: ID!, $on: Date!) { markDealWon(id: $id, closedAt: $on) { id } }', { id, on: today });
      return id;
    };
    // A won deal's licence is issued by the licenses subgraph from the deal's event.
    const licenceOf = async (partnerId: string) => {
      const deadline = Date.now() + 20_000;
      for (;;) {
        const { licenses } = await gql<{ licenses: { edges: { node: { id: string } }[] } }>(
          admin,
          'query ($id: ID!) { licenses(first: 1, filter: { partnerId: $id }) { edges { node { id } } } }',
          { id: partnerId },
        );
        const id = licenses.edges[0]?.node.id;
        if (id || Date.now() > deadline) return id;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    };
    const statementOf = async (payeeId: string) => {
      const deadline = Date.now() + 20_000;
      for (;;) {
        await gql(admin, 'mutation ($period: String!) { computeStatements(period: $period) { id } }', { period: quarter });
        const { statements } = await gql<{ statements: { edges: { node: { id: string } }[] } }>(
          admin,
          'query ($id: ID!) { statements(first: 1, filter: { payeeId: $id }) { edges { node { id } } } }',
          { id: payeeId },
        );
        const id = statements.edges[0]?.node.id;
        if (id || Date.now() > deadline) return id;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    };
    const deploymentOf = async (partnerId: string, distributorId: string, country: string) => {
      await onceKnown('mutation ($partnerId: ID!, $distributorId: ID!) { grantMasterLicense(partnerId: $partnerId, distributorId: $distributorId) { id } }', { partnerId, distributorId });
      const input = { partnerId, customer: { name: `Matrix usage customer ${country}`, country }, sku: USAGE_SKU, hosting: 'HOSTED' };
      return (await gql<{ deployUsage: { id: string } }>(admin, 'mutation ($input: DeployUsageInput!) { deployUsage(input: $input) { id } }', { input })).deployUsage.id;
    };
    const mdfRequestOf = async (partnerId: string) => {
      await onceKnown('mutation ($id: ID!, $period: String!) { allocateMdf(partnerId: $id, period: $period, amount: "1000.00") { period } }', { id: partnerId, period: quarter });
      const input = { partnerId, period: quarter, amount: '100.00', activity: 'Security matrix webinar' };
      return (await gql<{ requestMdf: { id: string } }>(admin, 'mutation ($input: MdfRequestInput!) { requestMdf(input: $input) { id } }', { input })).requestMdf.id;
    };
    const webhookOf = async (distributorId: string) =>
      (await gql<{ registerWebhook: { endpoint: { id: string } } }>(admin, 'mutation ($id: ID!, $url: String!) { registerWebhook(distributorId: $id, url: $url) { endpoint { id } } }', { id: distributorId, url: WEBHOOK_URL }))
        .registerWebhook.endpoint.id;

    const own: Record<string, string | undefined> = {
      Partner: provider.id,
      Distributor: channelworx,
      Person: provider.people[0]?.id,
      Deal: await wonDeal(provider.id, channelworx, 'Matrix Own Customer Pty', 'AU'),
      UsageDeployment: await deploymentOf(provider.id, channelworx, 'AU'),
      MdfRequest: await mdfRequestOf(provider.id),
      WebhookEndpoint: await webhookOf(channelworx),
    };
    const other: Record<string, string | undefined> = {
      Partner: gardien.id,
      Distributor: ingram,
      Person: gardien.people[0]?.id,
      Deal: await wonDeal(bastion.id, otherDeal.distributorId, 'Matrix Other Customer SARL', 'FR'),
      UsageDeployment: await deploymentOf(gardien.id, ingram, 'FR'),
      MdfRequest: await mdfRequestOf(barrierReef.id),
      WebhookEndpoint: await webhookOf(ingram),
    };
    own.License = await licenceOf(provider.id);
    other.License = await licenceOf(bastion.id);
    // The other partner's won deal earns a rebate (the provider's program pays none on it): its
    // statement must stay out of every other payee's list.
    other.Statement = await statementOf(bastion.id);
    // Every id the matrix relies on exists, or a refusal could be an empty lookup's.
    for (const [side, ids] of Object.entries({ own, other })) {
      for (const [kind, id] of Object.entries(ids)) expect(id, `${side} ${kind}`).toEqual(expect.any(String));
    }
    tenants = { own: own as Record<string, string>, other: other as Record<string, string> };
    otherIds = Object.values(tenants.other);
  });

  afterAll(async () => {
    await hub?.close();
    if (allowPrivateBefore === undefined) delete process.env.WEBHOOK_ALLOW_PRIVATE;
    else process.env.WEBHOOK_ALLOW_PRIVATE = allowPrivateBefore;
  });

  it('has a table entry for every root field of the schema, and none for a field that is gone', () => {
    const inSchema = ROOT_FIELDS.map((root) => `${root.kind} ${root.name}`).sort();
    const inTable = Object.entries(ACCESS_TABLE)
      .flatMap(([kind, rows]) => Object.keys(rows).map((name) => `${kind} ${name}`))
      .sort();
    expect(inSchema.filter((field) => !inTable.includes(field)), 'root fields without a table entry').toEqual([]);
    expect(inTable.filter((field) => !inSchema.includes(field)), 'table entries for fields not in the schema').toEqual([]);
  });

  const send = (root: RootField, operation: BuiltOperation, token?: string): Promise<Response> =>
    root.kind === 'subscription' ? subscribeOnce(hub.url, operation, token) : post(hub.url, operation, token);

  // Every check runs before the state of what it guards is looked at, so a mutation a role may
  // call answers a domain error, not FORBIDDEN, on an object an earlier role already changed:
  // the order of the calls does not matter.
  for (const root of ROOT_FIELDS) {
    it(`${root.kind} ${root.name} answers every role as the table says`, async () => {
      const access: Access | undefined = ACCESS_TABLE[root.kind][root.name];
      expect(access, `an entry in ACCESS_TABLE.${root.kind}`).toBeDefined();
      const callers: Caller[] = [...ROLES, 'anonymous'];
      const expected = Object.fromEntries(callers.map((caller) => [caller, caller === 'anonymous' ? 'unauthenticated' : access![caller] === 'forbidden' ? 'forbidden' : 'allowed']));

      const seen: Record<string, string> = {};
      const keptOut: Record<string, string> = {};
      await Promise.all(
        callers.map(async (caller) => {
          const token = caller === 'anonymous' ? undefined : tokens[caller];
          const response = await send(root, buildOperation(root, argumentSource(tenants, caller, 'own', false)), token);
          seen[caller] = authorisation(response);
          if (caller !== 'partner' && caller !== 'distributor') return;
          const crossOperation = buildOperation(root, argumentSource(tenants, caller, 'other', true));
          // A field open to tenants that takes a tenant's id is scoped, whatever the table says.
          const namesOther = otherIds.some((id) => JSON.stringify(crossOperation.variables).includes(id));
          if (access![caller] === 'forbidden' || (access![caller] === 'allowed' && !namesOther)) return;
          // Its own data, and nothing of the other tenant's, even in a list...
          const inOwn = access![caller] === 'scoped' ? leaked(response, otherIds) : [];
          if (inOwn.length > 0) seen[caller] = `allowed but leaked ${inOwn.join(', ')}`;
          // ...and the other tenant's ids in every argument that names a tenant or its objects.
          keptOut[caller] = crossTenantVerdict(await send(root, crossOperation, token), otherIds);
        }),
      );
      expect(seen).toEqual(expected);
      expect(keptOut).toEqual(Object.fromEntries(Object.keys(keptOut).map((caller) => [caller, 'kept out'])));
    });
  }

  it("delivers a deal update to every role that may read the deal, and another tenant's only to staff and BI", async () => {
    const subscription = 'subscription { dealUpdated { deal { id } } }';
    const clients = ROLES.map((role) => createSseClient({ url: hub.url, headers: { authorization: `Bearer ${tokens[role]}` }, retryAttempts: 0 }));
    const received = ROLES.map(() => new Set<string>());
    const stops = clients.map((client, index) =>
      client.subscribe<{ dealUpdated: { deal: { id: string } } }>(
        { query: subscription },
        { next: (result) => result.data && received[index]!.add(result.data.dealUpdated.deal.id), error: () => undefined, complete: () => undefined },
      ),
    );
    try {
      // Give every subscription time to reach the deals subgraph before the changes happen.
      await new Promise((resolve) => setTimeout(resolve, 700));
      const own = await registerDeal(tenants.own.Partner!, ownDistributorId, 'Matrix Live Own Pty', 'AU');
      const other = await registerDeal(otherDeal.partnerId, otherDeal.distributorId, 'Matrix Live Autre SARL', 'FR');
      const readsAll = (role: Role) => role === 'vendor_admin' || role === 'channel_manager' || role === 'bi';
      const deadline = Date.now() + 10_000;
      const complete = () => ROLES.every((role, index) => received[index]!.has(own) && (!readsAll(role) || received[index]!.has(other)));
      while (!complete() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      // The staff subscribers prove the other deal's update went out; a late one would show here.
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(Object.fromEntries(ROLES.map((role, index) => [role, [received[index]!.has(own), received[index]!.has(other)]]))).toEqual(
        Object.fromEntries(ROLES.map((role) => [role, [true, readsAll(role)]])),
      );
    } finally {
      for (const stop of stops) stop();
      for (const client of clients) client.dispose();
    }
  });

  describe('claims that fail closed', () => {
    const FIELDS = ['{ partners(first: 5) { edges { node { id } } } }', '{ deals(first: 5) { edges { node { id } } } }', '{ licenses(first: 5) { totalCount } }', '{ statements(first: 5) { totalCount } }'];
    const now = () => Math.floor(Date.now() / 1000);
    const claims = (extra: Record<string, unknown>) => ({ sub: 'matrix-claims', iat: now(), exp: now() + 600, ...extra });

    it('serves the same fields to a well-formed token signed the same way', async () => {
      const token = signRawToken(claims({ role: 'partner', partnerId: tenants.own.Partner }));
      for (const query of FIELDS) expect(authorisation(await post(hub.url, { query }, token)), query).toBe('allowed');
    });

    it.each([
      ['a partner token with an empty partnerId', () => claims({ role: 'partner', partnerId: '' })],
      ['a distributor token with an empty distributorId', () => claims({ role: 'distributor', distributorId: '' })],
      ['a partner token without partnerId', () => claims({ role: 'partner' })],
      ['a distributor token without distributorId', () => claims({ role: 'distributor' })],
      ['a token without a subject', () => ({ ...claims({ role: 'bi' }), sub: undefined })],
      ['a token with an unknown role', () => claims({ role: 'superuser' })],
      ['a token without exp', () => ({ ...claims({ role: 'partner', partnerId: tenants.own.Partner }), exp: undefined })],
    ])('answers HTTP 401 to %s', async (_, payload) => {
      const token = signRawToken(payload());
      const answers = await Promise.all(FIELDS.map(async (query) => {
        const response = await post(hub.url, { query }, token);
        return { query, status: response.status, codes: errorCodes(response), data: response.json.data ?? null };
      }));
      expect(answers).toEqual(FIELDS.map((query) => ({ query, status: 401, codes: ['UNAUTHENTICATED'], data: null })));
    });
  });
});
