import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { dealsSubgraph } from '@hub/deals';
import { EXPORT_DATASETS } from '@hub/gateway/exports';
import { runDemoActivity } from '@hub/gateway/demo-activity';
import { incentivesSubgraph } from '@hub/incentives';
import { licensesSubgraph } from '@hub/licenses';
import { partnersSubgraph } from '@hub/partners';
import { post, startHub, type RunningHub } from './support/hub';

const STAFF = { sub: 'e2e-exports-admin', role: 'vendor_admin' } as const;
const BI = { sub: 'e2e-exports-bi', role: 'bi' } as const;

/** "2026-Q4" of today: the demo activity wins its deals and computes statements in the current quarter. */
function currentQuarter(): string {
  const today = new Date().toISOString();
  return `${today.slice(0, 4)}-Q${Math.ceil(Number(today.slice(5, 7)) / 3)}`;
}

/** "3925.50" → 392550n: GraphQL amounts are exact decimals with two minor digits here. */
function minor(amount: string): bigint {
  const match = /^(-?)(\d+)\.(\d{2})$/.exec(amount);
  if (!match) throw new Error(`not a two-decimal amount: ${amount}`);
  const value = BigInt(match[2]!) * 100n + BigInt(match[3]!);
  return match[1] ? -value : value;
}

async function download(hub: RunningHub, path: string, token?: string): Promise<Response> {
  return fetch(`${hub.origin}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
}

/** Every page of a connection, through the gateway. */
async function allNodes<T>(hub: RunningHub, token: string, query: string, field: string, variables: Record<string, unknown> = {}): Promise<T[]> {
  const nodes: T[] = [];
  let after: string | null = null;
  for (;;) {
    const { json } = await post(hub.url, { query, variables: { ...variables, after } }, token);
    expect(json.errors).toBeUndefined();
    const connection = (json.data as Record<string, { edges: { node: T }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } }>)[field]!;
    nodes.push(...connection.edges.map((edge) => edge.node));
    if (!connection.pageInfo.hasNextPage) return nodes;
    after = connection.pageInfo.endCursor;
  }
}

interface MetricsNode {
  dealsWon: number;
  newBusinessRevenue: { amount: string };
  renewalRevenue: { amount: string };
  payouts: { amount: string };
  usage: { amount: string };
}

/**
 * Exports through the gateway loaded into DuckDB must add up to what GraphQL answers. Runs on
 * MariaDB (the production database) and on SQLite (the embedded one).
 */
describe.each(['mysql', 'sqlite'] as const)('BI exports (%s)', (database) => {
  let hub: RunningHub;
  let dir: string;
  let duck: DuckDBConnection;
  let staff: string;
  let bi: string;
  const quarter = currentQuarter();

  beforeAll(async () => {
    hub = await startHub([partnersSubgraph, dealsSubgraph, licensesSubgraph, incentivesSubgraph], { database });
    staff = await hub.token(STAFF);
    bi = await hub.token(BI);
    const warnings: string[] = [];
    await runDemoActivity({ url: hub.url, token: staff, log: { log: () => undefined, warn: (line: string) => warnings.push(line) } });
    expect(warnings).toEqual([]);
    dir = mkdtempSync(join(tmpdir(), 'hub-exports-'));
    duck = await (await DuckDBInstance.create(':memory:')).connect();
  });

  afterAll(async () => {
    duck?.closeSync();
    if (dir) rmSync(dir, { recursive: true, force: true });
    await hub?.close();
  });

  /** Downloads an export as CSV into a file and answers one row of `sql` over it (`… FROM t` reads the file). */
  async function csvQuery(path: string, sql: string): Promise<Record<string, unknown>> {
    const response = await download(hub, path, bi);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/csv/);
    const file = join(dir, `${path.replace(/\W+/g, '_')}.csv`);
    writeFileSync(file, await response.text());
    const reader = await duck.runAndReadAll(sql.replace(/\bFROM t$/, `FROM read_csv_auto('${file}', header = true, all_varchar = true)`));
    return reader.getRowObjectsJson()[0]!;
  }

  it('partner-metrics: the CSV in DuckDB sums to the partnerMetrics figures of the quarter', async () => {
    const nodes = await allNodes<MetricsNode>(
      hub,
      bi,
      `query ($period: String!, $after: String) { partnerMetrics(period: $period, first: 500, after: $after) {
        edges { node { dealsWon newBusinessRevenue { amount } renewalRevenue { amount } payouts { amount } usage { amount } } }
        pageInfo { hasNextPage endCursor } } }`,
      'partnerMetrics',
      { period: quarter },
    );
    const sum = (pick: (n: MetricsNode) => string) => nodes.reduce((total, n) => total + minor(pick(n)), 0n);
    const row = await csvQuery(
      `/exports/partner-metrics?period=${quarter}`,
      `SELECT COUNT(*) AS partners, SUM(CAST(dealsWon AS INTEGER)) AS won,
        CAST(SUM(CAST(newBusinessRevenue AS DECIMAL(18,2))) AS VARCHAR) AS newBusiness,
        CAST(SUM(CAST(renewalRevenue AS DECIMAL(18,2))) AS VARCHAR) AS renewal,
        CAST(SUM(CAST(payouts AS DECIMAL(18,2))) AS VARCHAR) AS payouts,
        CAST(SUM(CAST(usage AS DECIMAL(18,2))) AS VARCHAR) AS usage,
        COUNT(DISTINCT period) AS periods FROM t`,
    );
    expect(nodes.length).toBeGreaterThan(0);
    expect(Number(row.partners)).toBe(nodes.length);
    expect(Number(row.periods)).toBe(1);
    expect(Number(row.won)).toBe(nodes.reduce((total, n) => total + n.dealsWon, 0));
    expect(Number(row.won)).toBeGreaterThan(0);
    expect(minor(String(row.newBusiness))).toBe(sum((n) => n.newBusinessRevenue.amount));
    expect(minor(String(row.renewal))).toBe(sum((n) => n.renewalRevenue.amount));
    expect(minor(String(row.payouts))).toBe(sum((n) => n.payouts.amount));
    expect(minor(String(row.payouts))).toBeGreaterThan(0n);
    expect(minor(String(row.usage))).toBe(sum((n) => n.usage.amount));
  });

  it('partner-metrics over a range: one row per partner per quarter', async () => {
    const previous = quarter.endsWith('Q1') ? `${Number(quarter.slice(0, 4)) - 1}-Q4` : `${quarter.slice(0, 6)}${Number(quarter.slice(6)) - 1}`;
    const { json } = await post(hub.url, { query: '{ partners(first: 0) { totalCount } }' }, staff);
    const partners = (json.data as { partners: { totalCount: number } }).partners.totalCount;
    const row = await csvQuery(`/exports/partner-metrics?from=${previous}&to=${quarter}`, 'SELECT COUNT(*) AS n, COUNT(DISTINCT period) AS periods, COUNT(DISTINCT partnerId) AS partners FROM t');
    expect(Number(row.periods)).toBe(2);
    expect(Number(row.partners)).toBe(partners);
    expect(Number(row.n)).toBe(2 * partners);
  });

  it('deals: the CSV has every deal of the quarter and their exact amounts', async () => {
    const deals = await allNodes<{ amount: { amount: string; currency: string } }>(
      hub,
      staff,
      'query ($after: String) { deals(first: 500, after: $after) { edges { node { amount { amount currency } } } pageInfo { hasNextPage endCursor } } }',
      'deals',
    );
    const byCurrency = new Map<string, bigint>();
    for (const deal of deals) byCurrency.set(deal.amount.currency, (byCurrency.get(deal.amount.currency) ?? 0n) + minor(deal.amount.amount));
    const response = await download(hub, `/exports/deals?period=${quarter}`, bi);
    const file = join(dir, 'deals.csv');
    writeFileSync(file, await response.text());
    const reader = await duck.runAndReadAll(
      `SELECT currency, COUNT(*) AS n, CAST(SUM(CAST(amount AS DECIMAL(18,2))) AS VARCHAR) AS total FROM read_csv_auto('${file}', header = true, all_varchar = true) GROUP BY currency`,
    );
    const rows = reader.getRowObjectsJson();
    expect(rows.reduce((n, r) => n + Number(r.n), 0)).toBe(deals.length);
    expect(new Map(rows.map((r) => [String(r.currency), minor(String(r.total))]))).toEqual(byCurrency);
  });

  it('payout-lines: the lines of partner statements sum to the partners’ payouts', async () => {
    const nodes = await allNodes<{ total: { amount: string } }>(
      hub,
      staff,
      'query ($period: String!, $after: String) { statements(filter: { period: $period }, first: 500, after: $after) { edges { node { total { amount } } } pageInfo { hasNextPage endCursor } } }',
      'statements',
      { period: quarter },
    );
    const total = nodes.reduce((sum, n) => sum + minor(n.total.amount), 0n);
    const row = await csvQuery(`/exports/payout-lines?period=${quarter}`, 'SELECT COUNT(*) AS n, CAST(SUM(CAST(amount AS DECIMAL(18,2))) AS VARCHAR) AS total, COUNT(DISTINCT statementId) AS statements FROM t');
    expect(Number(row.n)).toBeGreaterThan(0);
    expect(Number(row.statements)).toBeLessThanOrEqual(nodes.length);
    expect(minor(String(row.total))).toBe(total);
  });

  it('usage-statement-lines: the lines of the quarter’s usage statements, with their product line', async () => {
    const row = await csvQuery(
      `/exports/usage-statement-lines?period=${quarter}`,
      'SELECT COUNT(*) AS n, SUM(CAST(seats AS INTEGER)) AS seats, COUNT(productLine) AS withLine, CAST(SUM(CAST(amount AS DECIMAL(18,2))) AS VARCHAR) AS total FROM t',
    );
    expect(Number(row.n)).toBeGreaterThan(0);
    expect(Number(row.withLine)).toBe(Number(row.n));
    expect(minor(String(row.total))).toBeGreaterThan(0n);
  });

  it('NDJSON rows carry exactly the CSV columns, in order', async () => {
    for (const [name, dataset] of Object.entries(EXPORT_DATASETS)) {
      const response = await download(hub, `/exports/${name}?period=${quarter}&format=ndjson`, staff);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
      const lines = (await response.text()).split('\n').filter(Boolean);
      expect(lines.length, name).toBeGreaterThan(0);
      expect(Object.keys(JSON.parse(lines[0]!) as object), name).toEqual(dataset.columns);
    }
  });
});

describe('BI exports: access and parameters', () => {
  let hub: RunningHub;

  beforeAll(async () => {
    hub = await startHub([partnersSubgraph, dealsSubgraph, licensesSubgraph, incentivesSubgraph]);
  });

  afterAll(async () => {
    await hub?.close();
  });

  const errorOf = async (response: Response) => ((await response.json()) as { errors: { message: string; extensions: { code: string; field?: string } }[] }).errors[0]!;

  it('refuses a request without a token (401) and a partner or distributor (403)', async () => {
    const anonymous = await download(hub, '/exports/deals?period=2026-Q1');
    expect(anonymous.status).toBe(401);
    expect((await errorOf(anonymous)).extensions.code).toBe('UNAUTHENTICATED');
    const partner = await hub.token({ sub: 'p', role: 'partner', partnerId: '00000000-0000-7000-8000-000000000001' });
    const refused = await download(hub, '/exports/deals?period=2026-Q1', partner);
    expect(refused.status).toBe(403);
    expect((await errorOf(refused)).extensions.code).toBe('FORBIDDEN');
    const distributor = await hub.token({ sub: 'd', role: 'distributor', distributorId: '00000000-0000-7000-8000-000000000002' });
    expect((await download(hub, '/exports/partner-metrics?period=2026-Q1', distributor)).status).toBe(403);
  });

  it.each([
    ['/exports/nope?period=2026-Q1', 'dataset'],
    ['/exports/deals?period=2026-Q5', 'period'],
    ['/exports/deals', 'period'],
    ['/exports/deals?from=2026-Q1', 'to'],
    ['/exports/deals?from=2026-Q3&to=2026-Q1', 'to'],
    ['/exports/deals?from=2000-Q1&to=2026-Q1', 'to'],
    ['/exports/deals?from=26-1&to=2026-Q1', 'from'],
    ['/exports/deals?period=2026-Q1&from=2026-Q1', 'period'],
    ['/exports/deals?period=2026-Q1&format=xlsx', 'format'],
  ])('%s is a 400 naming %s', async (path, field) => {
    const response = await download(hub, path, await hub.token(BI));
    expect(response.status).toBe(400);
    const error = await errorOf(response);
    expect(error.extensions).toEqual({ code: 'BAD_USER_INPUT', field });
    expect(error.message.startsWith(`${field}: `)).toBe(true);
  });

  it('a subgraph export route refuses requests the gateway did not sign', async () => {
    const deals = hub.subgraphs.find((s) => s.name === 'deals')!;
    const response = await fetch(new URL('/exports?dataset=deals&from=2026-Q1&to=2026-Q1', deals.url));
    expect(response.status).toBe(401);
  });
});
