import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { subgraphPortVariable } from '@hub/gateway/config';
import { subgraphs } from '@hub/gateway/subgraphs';
import { post } from './support/hub';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
// Node itself with tsx's loader, not the tsx CLI: the CLI runs the script in a child process of
// its own, which a SIGKILL to the CLI leaves running after the test.
const NODE_WITH_TSX = [process.execPath, '--import', 'tsx'] as const;

interface Started {
  url: string;
  token: string;
  /** Everything printed up to the banner. */
  output: string;
}

/** Resolves with the URL and token `pnpm start` prints once everything listens. */
function waitForBanner(child: ChildProcess): Promise<Started> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`no banner within 90 s:\n${output}`)), 90_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const url = /GraphQL:\s+(http:\/\/\S+\/graphql)/.exec(output)?.[1];
      const token = /vendor_admin token[^\n]*\n(\S+)\n/.exec(output)?.[1];
      if (url && token) {
        clearTimeout(timer);
        resolve({ url, token, output });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`pnpm start exited with ${code} before it was ready:\n${output}`));
    });
  });
}

describe('pnpm start (embedded hub)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'hub-embedded-'));
  let child: ChildProcess;
  let started: Started;

  beforeAll(async () => {
    // Port 0 everywhere (the gateway and every subgraph): the test never collides with a hub
    // the developer is running.
    const subgraphPorts = Object.fromEntries(subgraphs.map((s) => [subgraphPortVariable(s.name), '0']));
    child = spawn(NODE_WITH_TSX[0], [...NODE_WITH_TSX.slice(1), 'gateway/src/embedded.ts'], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: '', DATA_DIR: dataDir, PORT: '0', ...subgraphPorts },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    started = await waitForBanner(child);
  });

  afterAll(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('serves the seeded demo programs to the printed vendor_admin token', async () => {
    const { status, json } = await post(started.url, { query: '{ programs { code } }' }, started.token);
    expect(status).toBe(200);
    expect(json.errors).toBeUndefined();
    expect((json.data as { programs: { code: string }[] }).programs.length).toBeGreaterThan(0);
  });

  it('serves every subgraph: deals, the licenses catalog and the incentive rules too', async () => {
    const { json } = await post(
      started.url,
      { query: '{ deals(first: 1) { totalCount } skus(first: 3) { totalCount edges { node { code } } } incentiveRules(programCode: "FR-2023") { kind } }' },
      started.token,
    );
    expect(json.errors).toBeUndefined();
    const answer = json.data as { deals: { totalCount: number }; skus: { totalCount: number; edges: unknown[] }; incentiveRules: { kind: string }[] };
    // The demo rule book: FR-2023's front-end, registration and back-end rules.
    expect(answer.incentiveRules.map((rule) => rule.kind).sort()).toEqual(['BACK_END_REBATE', 'DEAL_REGISTRATION_DISCOUNT', 'FRONT_END_DISCOUNT']);
    // A fresh DATA_DIR: deals seeds its policies and the demo activity registers deals (below).
    expect(answer.deals.totalCount).toBeGreaterThan(0);
    // The demo catalog: 20 product lines × (20 usage + 3 term SKUs).
    expect(answer.skus.totalCount).toBe(460);
    expect(answer.skus.edges).toHaveLength(3);

    const ready = await fetch(new URL('/readyz', started.url));
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ ready: true, degraded: false, subgraphs: Object.fromEntries(subgraphs.map((s) => [s.name, 'ready'])) });
  });

  it('has driven the demo activity through the API before the banner: deals, licences, usage and statements', async () => {
    const today = new Date().toISOString().slice(0, 10);
    const quarter = `${today.slice(0, 4)}-Q${Math.ceil(Number(today.slice(5, 7)) / 3)}`;
    const { json } = await post(
      started.url,
      {
        query: `query ($period: String!) {
          deals(first: 0) { totalCount }
          won: deals(first: 0, filter: { status: [WON] }) { totalCount }
          licenses(first: 0) { totalCount }
          usageStatements(first: 1) { totalCount edges { node { status lines { seats tierFromSeats } } } }
          statements(filter: { period: $period }, first: 1) { totalCount }
        }`,
        variables: { period: quarter },
      },
      started.token,
    );
    expect(json.errors).toBeUndefined();
    const answer = json.data as {
      deals: { totalCount: number };
      won: { totalCount: number };
      licenses: { totalCount: number };
      usageStatements: { totalCount: number; edges: { node: { status: string; lines: { seats: number; tierFromSeats: number }[] } }[] };
      statements: { totalCount: number };
    };
    expect(answer.deals.totalCount).toBeGreaterThan(0);
    expect(answer.won.totalCount).toBeGreaterThan(0);
    // Some registrations stay in the pipeline.
    expect(answer.won.totalCount).toBeLessThan(answer.deals.totalCount);
    // Issued from the won deals through deal.won before the banner was printed.
    expect(answer.licenses.totalCount).toBeGreaterThan(0);
    // This month's usage, still open for reports.
    expect(answer.usageStatements.totalCount).toBeGreaterThan(0);
    expect(answer.usageStatements.edges[0]!.node.status).toBe('OPEN');
    expect(answer.usageStatements.edges[0]!.node.lines.length).toBeGreaterThan(0);
    expect(answer.statements.totalCount).toBeGreaterThan(0);
    expect(started.output).toMatch(/Demo activity: \d+ deals/);
  });

  it('keeps one SQLite file per subgraph in DATA_DIR', () => {
    expect(subgraphs.map((s) => s.name)).toEqual(expect.arrayContaining(['partners', 'deals', 'licenses', 'incentives']));
    for (const { name } of subgraphs) expect(existsSync(join(dataDir, `${name}.sqlite`)), `${name}.sqlite`).toBe(true);
  });

  it('shuts down cleanly on SIGTERM', async () => {
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
