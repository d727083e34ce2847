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

  /** Every row of `sql` over a downloaded CSV export (`… FROM t` reads it). */
  async function csvRows(path: string, sql: string): Promise<Record<string, unknown>[]> {
    const response = await download(hub, path, bi);
    expect(response.status).toBe(200);
    const file = join(dir, `${path.replace(/\W+/g, '_')}.csv`);
    writeFileSync(file, await response.text());
    const reader = await duck.runAndReadAll(sql.replace(/\bFROM t\b/, `FROM read_csv_auto('${file}', header = true, all_varchar = true)`));
    return reader.getRowObjectsJson() as Record<string, unknown>[];
  }

  async function programCodes(): Promise<string[]> {
    const { json } = await post(hub.url, { query: '{ programs { code } }' }, bi);
    return (json.data as { programs: { code: string }[] }).programs.map((p) => p.code);
  }

  async function gql<T>(query: string, variables: Record<string, unknown>, token = bi): Promise<T> {
    const { json } = await post(hub.url, { query, variables }, token);
    expect(json.errors).toBeUndefined();
    return json.data as T;
  }

  it('programMetrics: the tier distribution matches the partner-metrics export grouped in DuckDB, payouts by rule the payout-lines export', async () => {
    const tiers = await csvRows(`/exports/partner-metrics?period=${quarter}`, 'SELECT programCode, tierCode, COUNT(*) AS n FROM t GROUP BY ALL');
    const lines = await csvRows(`/exports/payout-lines?period=${quarter}`, 'SELECT rule, COUNT(*) AS n, CAST(SUM(CAST(amount AS DECIMAL(18,2))) AS VARCHAR) AS total FROM t GROUP BY ALL');
    const fromGraphQL = new Map<string, number>();
    const byRule = new Map<string, { lines: number; minor: bigint }>();
    for (const programCode of await programCodes()) {
      const { programMetrics } = await gql<{ programMetrics: { period: string; tierDistribution: { tierCode: string; partners: number }[]; payoutsByRule: { rule: string; lines: number; amount: { amount: string } }[] }[] }>(
        'query ($programCode: String!, $from: String!, $to: String!) { programMetrics(programCode: $programCode, from: $from, to: $to) { period tierDistribution { tierCode partners } payoutsByRule { rule lines amount { amount } } } }',
        { programCode, from: quarter, to: quarter },
      );
      expect(programMetrics.map((m) => m.period)).toEqual([quarter]);
      for (const t of programMetrics[0]!.tierDistribution) fromGraphQL.set(`${programCode}/${t.tierCode}`, t.partners);
      for (const r of programMetrics[0]!.payoutsByRule) {
        const seen = byRule.get(r.rule) ?? { lines: 0, minor: 0n };
        byRule.set(r.rule, { lines: seen.lines + r.lines, minor: seen.minor + minor(r.amount.amount) });
      }
    }
    expect(fromGraphQL).toEqual(new Map(tiers.map((r) => [`${String(r.programCode)}/${String(r.tierCode)}`, Number(r.n)])));
    expect(byRule.size).toBeGreaterThan(0);
    expect(byRule).toEqual(new Map(lines.map((r) => [String(r.rule), { lines: Number(r.n), minor: minor(String(r.total)) }])));
  });

  // AU-2014 funds MDF for its Premier partners.
  it('programMetrics: MDF allocated, requested (not rejected) and claimed (not rejected) of the quarter', async () => {
    const { partners } = await gql<{ partners: { edges: { node: { id: string; program: { code: string } } }[] } }>('{ partners(filter: { programCode: "AU-2014", tierCode: "PREMIER" }, first: 1) { edges { node { id program { code } } } } }', {}, staff);
    const partner = partners.edges[0]!.node;
    const mdfOf = async () =>
      (
        await gql<{ programMetrics: { mdf: { allocated: { amount: string }; requested: { amount: string }; claimed: { amount: string } } }[] }>(
          'query ($programCode: String!, $period: String!) { programMetrics(programCode: $programCode, from: $period, to: $period) { mdf { allocated { amount } requested { amount } claimed { amount } } } }',
          { programCode: partner.program.code, period: quarter },
        )
      ).programMetrics[0]!.mdf;
    const before = await mdfOf();
    await gql('mutation ($p: ID!, $q: String!) { allocateMdf(partnerId: $p, period: $q, amount: "1000.00") { id } }', { p: partner.id, q: quarter }, staff);
    const request = (input: object) => gql<{ requestMdf: { id: string } }>('mutation ($i: MdfRequestInput!) { requestMdf(input: $i) { id } }', { i: input }, staff);
    const kept = (await request({ partnerId: partner.id, period: quarter, amount: '400.00', activity: 'Webinar' })).requestMdf.id;
    const rejected = (await request({ partnerId: partner.id, period: quarter, amount: '250.00', activity: 'Trade show' })).requestMdf.id;
    const decide = (id: string, approve: boolean) => gql('mutation ($id: ID!, $a: Boolean!) { decideMdfRequest(id: $id, approve: $a) { id } }', { id, a: approve }, staff);
    await decide(kept, true);
    await decide(rejected, false);
    await gql('mutation ($i: MdfClaimInput!) { claimMdf(input: $i) { id } }', { i: { requestId: kept, amount: '150.00', proofOfPerformance: 'INV-1' } }, staff);
    const after = await mdfOf();
    expect(minor(after.allocated.amount) - minor(before.allocated.amount)).toBe(100_000n);
    expect(minor(after.requested.amount) - minor(before.requested.amount)).toBe(40_000n);
    expect(minor(after.claimed.amount) - minor(before.claimed.amount)).toBe(15_000n);
  });

  it('pipelineFunnel: counts, conversion and median days match the deals export in DuckDB', async () => {
    const rows = await csvRows(
      `/exports/deals?period=${quarter}`,
      `SELECT programCode, COUNT(*) AS registered, COUNT(approvedAt) AS approved, COUNT(*) FILTER (WHERE status IN ('WON', 'REVERSED')) AS won,
        median(epoch(CAST(approvedAt AS TIMESTAMP)) - epoch(CAST(registeredAt AS TIMESTAMP))) AS toApproval,
        median(date_diff('day', CAST(CAST(approvedAt AS TIMESTAMP) AS DATE), CAST(closedAt AS DATE))) FILTER (WHERE status IN ('WON', 'REVERSED')) AS toWin
        FROM t GROUP BY ALL`,
    );
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      const { pipelineFunnel } = await gql<{ pipelineFunnel: { registered: number; approved: number; won: number; approvalRate: string; winRate: string | null; medianDaysToApproval: string | null; medianDaysToWin: string | null }[] }>(
        'query ($programCode: String!, $period: String!) { pipelineFunnel(programCode: $programCode, from: $period, to: $period) { registered approved won approvalRate winRate medianDaysToApproval medianDaysToWin } }',
        { programCode: row.programCode, period: quarter },
      );
      const funnel = pipelineFunnel[0]!;
      expect([funnel.registered, funnel.approved, funnel.won]).toEqual([Number(row.registered), Number(row.approved), Number(row.won)]);
      expect(Number(funnel.approvalRate)).toBeCloseTo(Number(row.approved) / Number(row.registered), 4);
      if (funnel.approved > 0) expect(Number(funnel.winRate)).toBeCloseTo(Number(row.won) / Number(row.approved), 4);
      if (row.toApproval !== null) expect(Number(funnel.medianDaysToApproval)).toBeCloseTo(Number(row.toApproval) / 86_400, 2);
      if (row.toWin !== null) expect(Number(funnel.medianDaysToWin)).toBeCloseTo(Number(row.toWin), 2);
    }
  });

  it('usageSeats: seats by month and product line match the usage-statement-lines export in DuckDB', async () => {
    const rows = await csvRows(`/exports/usage-statement-lines?period=${quarter}`, 'SELECT programCode, month, productLine, SUM(CAST(seats AS INTEGER)) AS seats FROM t GROUP BY ALL');
    const exported = new Map(rows.map((r) => [`${String(r.programCode)}/${String(r.month)}/${String(r.productLine)}`, Number(r.seats)]));
    const answered = new Map<string, number>();
    for (const programCode of await programCodes()) {
      const { usageSeats } = await gql<{ usageSeats: { period: string; productLine: string; seats: number }[] }>(
        'query ($programCode: String!, $period: String!) { usageSeats(programCode: $programCode, from: $period, to: $period) { period productLine seats } }',
        { programCode, period: quarter },
      );
      for (const u of usageSeats) answered.set(`${programCode}/${u.period}/${u.productLine}`, u.seats);
    }
    expect(answered.size).toBeGreaterThan(0);
    expect(answered).toEqual(exported);
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
