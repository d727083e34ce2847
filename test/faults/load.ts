import type { Topology } from './topology';

/** One request as a client saw it. */
export interface Outcome {
  op: string;
  /** When it was sent, ms since the epoch. */
  at: number;
  latencyMs: number;
  /** HTTP status; 0 when no response came (refused, reset, client timeout). */
  status: number;
  /** The errors' codes (extensions.code), or the transport failure's name. */
  codes: string[];
  /** Paths of the errors, joined with dots, for partial answers. */
  paths: string[];
  data?: unknown;
}

export interface GraphQLError {
  message: string;
  path?: (string | number)[];
  extensions?: { code?: string; [key: string]: unknown };
}

/**
 * POSTs one operation to the gateway as a portal would. Never throws: a refused connection or a
 * client-side timeout is an outcome too (status 0), which is what a fault test counts.
 */
export async function send(
  url: string,
  op: string,
  token: string,
  query: string,
  variables: Record<string, unknown> = {},
  timeoutMs = 30_000,
): Promise<Outcome & { errors?: GraphQLError[] }> {
  const at = Date.now();
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text();
    let json: { data?: unknown; errors?: GraphQLError[] } = {};
    try {
      json = JSON.parse(text) as typeof json;
    } catch {
      json = { errors: [{ message: text.slice(0, 200), extensions: { code: `HTTP_${response.status}` } }] };
    }
    const errors = json.errors ?? [];
    return {
      op,
      at,
      latencyMs: Date.now() - at,
      status: response.status,
      codes: errors.map((e) => e.extensions?.code ?? 'NO_CODE'),
      paths: errors.map((e) => (e.path ?? []).join('.')),
      data: json.data,
      errors: json.errors,
    };
  } catch (error) {
    const name = (error as Error).name === 'TimeoutError' ? 'CLIENT_TIMEOUT' : 'CONNECTION_FAILED';
    return { op, at, latencyMs: Date.now() - at, status: 0, codes: [name], paths: [] };
  }
}

/** `p` in [0, 1] of the latencies (nearest rank). */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}

export const failed = (outcome: Outcome) => outcome.status !== 200 || outcome.codes.length > 0;

/** Errors by code over outcomes (an outcome without errors counts nothing). */
export function codeCounts(outcomes: readonly Outcome[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const outcome of outcomes) for (const code of outcome.codes) counts[code] = (counts[code] ?? 0) + 1;
  if (outcomes.some((o) => o.status !== 200 && o.status !== 0 && o.codes.length === 0)) counts.HTTP_ERROR = outcomes.filter((o) => o.status !== 200 && o.codes.length === 0).length;
  return counts;
}

export interface Load {
  outcomes: Outcome[];
  /** Lets the workers finish their current request and returns everything recorded. */
  stop(): Promise<Outcome[]>;
}

/**
 * `concurrency` workers each running `step` back to back until stopped (a closed loop: a slower
 * hub gets fewer requests, as real clients waiting on a page would send).
 */
export function runLoad(concurrency: number, step: (worker: number) => Promise<Outcome | Outcome[]>): Load {
  const outcomes: Outcome[] = [];
  let stopped = false;
  const workers = Array.from({ length: concurrency }, async (_, worker) => {
    while (!stopped) {
      const result = await step(worker);
      outcomes.push(...(Array.isArray(result) ? result : [result]));
    }
  });
  return {
    outcomes,
    stop: async () => {
      stopped = true;
      await Promise.all(workers);
      return outcomes;
    },
  };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it returns a value (not undefined) or the time is up. */
export async function eventually<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 30_000, everyMs = 200): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

export const PORTAL = `query Portal($id: ID!) {
  partner(id: $id) { id name tier { code } standing { qualifiedTier { code } } licenses(first: 5) { totalCount } deals(first: 5) { totalCount } }
}`;
const REGISTER = `mutation ($i: RegisterDealInput!) { registerDeal(input: $i) { id status } }`;
const APPROVE = `mutation ($id: ID!) { approveDeal(id: $id) { status } }`;
const WIN = `mutation ($id: ID!, $closedAt: Date!) { markDealWon(id: $id, closedAt: $closedAt) { status } }`;

/** A won deal's two lines: each becomes one licence, and the deal a payout fact in incentives. */
export const DEAL_LINES = [
  { sku: 'NETWORK-ADV-T', seats: 10, unitPrice: '1000.00' },
  { sku: 'NETWORK-STD-T', seats: 5, unitPrice: '500.00' },
];

export interface Demo {
  admin: string;
  partnerId: string;
  distributorId: string;
  /** The partner's own token, for portal queries. */
  partnerToken: string;
}

/** A demo partner with a distributor, once deals knows it and the catalog (a probe registration is refused on the SKU). */
export async function prepareDemo(topology: Topology): Promise<Demo> {
  const admin = await topology.token({ sub: 'faults-admin', role: 'vendor_admin' });
  const list = await send(topology.url, 'partners', admin, '{ partners(first: 20, filter: { programCode: "FR-2023" }) { edges { node { id distributors { id } } } } }');
  const nodes = (list.data as { partners: { edges: { node: { id: string; distributors: { id: string }[] } }[] } }).partners.edges.map((e) => e.node);
  const partner = nodes.find((node) => node.distributors.length > 0)!;
  const demo = { admin, partnerId: partner.id, distributorId: partner.distributors[0]!.id, partnerToken: await topology.token({ sub: 'faults-partner', role: 'partner', partnerId: partner.id }) };
  await eventually('deals to know the demo partner and the catalog', async () => {
    const probe = await send(topology.url, 'probe', admin, REGISTER, { i: registration(demo, [{ sku: 'PROBE-NOT-IN-THE-CATALOG', seats: 1, unitPrice: '1.00' }]) });
    return probe.errors?.some((e) => e.extensions?.code === 'BAD_USER_INPUT') ? true : undefined;
  }, 60_000);
  return demo;
}

function registration(demo: Demo, lines: typeof DEAL_LINES) {
  return {
    partnerId: demo.partnerId,
    distributorId: demo.distributorId,
    endCustomer: { name: `Faults customer ${Date.now()}-${Math.random().toString(36).slice(2, 8)}`, country: 'FR' },
    type: 'NEW_CUSTOMER',
    productLine: 'NETWORK',
    lines,
    expectedCloseDate: '2099-12-31',
  };
}

export const today = () => new Date().toISOString().slice(0, 10);

/**
 * Registers, approves and wins one deal through the gateway. Returns every request's outcome and
 * the deal's id when it was won (a step that failed ends the lifecycle there, as a user would retry later).
 */
export async function dealLifecycle(url: string, demo: Demo, timeoutMs = 30_000): Promise<{ outcomes: Outcome[]; wonDealId?: string; dealId?: string }> {
  const registered = await send(url, 'registerDeal', demo.admin, REGISTER, { i: registration(demo, DEAL_LINES) }, timeoutMs);
  const id = (registered.data as { registerDeal?: { id: string } } | null)?.registerDeal?.id;
  if (!id) return { outcomes: [registered] };
  const approved = await send(url, 'approveDeal', demo.admin, APPROVE, { id }, timeoutMs);
  if ((approved.data as { approveDeal?: { status: string } } | null)?.approveDeal?.status !== 'APPROVED') return { outcomes: [registered, approved], dealId: id };
  const won = await send(url, 'markDealWon', demo.admin, WIN, { id, closedAt: today() }, timeoutMs);
  const isWon = (won.data as { markDealWon?: { status: string } } | null)?.markDealWon?.status === 'WON';
  return { outcomes: [registered, approved, won], dealId: id, wonDealId: isWon ? id : undefined };
}

export const portalQuery = (url: string, demo: Demo, timeoutMs = 30_000) => send(url, 'portal', demo.partnerToken, PORTAL, { id: demo.partnerId }, timeoutMs);
