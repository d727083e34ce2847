import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { subgraphPortVariable } from '@hub/gateway/config';
import { EXPORT_DATASETS } from '@hub/gateway/exports';
import { subgraphs } from '@hub/gateway/subgraphs';
import { post } from './support/hub';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
// Node itself with tsx's loader, not the tsx CLI: the CLI runs the script in a child process of
// its own, which a SIGKILL to the CLI leaves running after the test.
const NODE_WITH_TSX = [process.execPath, '--import', 'tsx'] as const;

/** The gateway URL and the vendor_admin token `pnpm start` prints once everything listens. */
function waitForBanner(child: ChildProcess): Promise<{ url: string; token: string }> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`no banner within 90 s:\n${output}`)), 90_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const url = /GraphQL:\s+(http:\/\/\S+\/graphql)/.exec(output)?.[1];
      const token = /vendor_admin token[^\n]*\n(\S+)\n/.exec(output)?.[1];
      if (url && token) {
        clearTimeout(timer);
        resolve({ url, token });
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

/** The embedded hub (one process, SQLite, in-process bus) serves the same exports. */
describe('BI exports in the embedded hub (pnpm start)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'hub-exports-embedded-'));
  let child: ChildProcess;
  let hub: { url: string; token: string };
  const today = new Date().toISOString();
  const quarter = `${today.slice(0, 4)}-Q${Math.ceil(Number(today.slice(5, 7)) / 3)}`;

  beforeAll(async () => {
    const subgraphPorts = Object.fromEntries(subgraphs.map((s) => [subgraphPortVariable(s.name), '0']));
    child = spawn(NODE_WITH_TSX[0], [...NODE_WITH_TSX.slice(1), 'gateway/src/embedded.ts'], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: '', DATA_DIR: dataDir, PORT: '0', ...subgraphPorts },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    hub = await waitForBanner(child);
  });

  afterAll(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("exports the demo activity's deals as CSV, one row per deal under the documented header", async () => {
    const { json } = await post(hub.url, { query: '{ deals(first: 0) { totalCount } }' }, hub.token);
    const deals = (json.data as { deals: { totalCount: number } }).deals.totalCount;
    expect(deals).toBeGreaterThan(0);
    const response = await fetch(new URL(`/exports/deals?period=${quarter}`, hub.url), { headers: { authorization: `Bearer ${hub.token}` } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toBe(`attachment; filename="deals-${quarter}.csv"`);
    const lines = (await response.text()).trimEnd().split('\n');
    expect(lines[0]).toBe(EXPORT_DATASETS.deals!.columns.join(','));
    expect(lines).toHaveLength(deals + 1);
  });

  it('streams partner metrics of every partner as NDJSON', async () => {
    const { json } = await post(hub.url, { query: '{ partners(first: 0) { totalCount } }' }, hub.token);
    const partners = (json.data as { partners: { totalCount: number } }).partners.totalCount;
    const response = await fetch(new URL(`/exports/partner-metrics?period=${quarter}&format=ndjson`, hub.url), { headers: { authorization: `Bearer ${hub.token}` } });
    expect(response.status).toBe(200);
    const rows = (await response.text())
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { period: string; partnerId: string });
    expect(rows).toHaveLength(partners);
    expect(new Set(rows.map((row) => row.period))).toEqual(new Set([quarter]));
  });
});
