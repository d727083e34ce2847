import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { post } from './support/hub';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TSX = join(ROOT, 'node_modules/.bin/tsx');

interface Started {
  url: string;
  token: string;
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

describe('pnpm start (embedded hub)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'hub-embedded-'));
  let child: ChildProcess;
  let started: Started;

  beforeAll(async () => {
    // Port 0 everywhere: the test never collides with a hub the developer is running.
    child = spawn(TSX, ['gateway/src/embedded.ts'], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: '', DATA_DIR: dataDir, PORT: '0', PARTNERS_PORT: '0' },
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

  it('keeps one SQLite file per subgraph in DATA_DIR', () => {
    expect(existsSync(join(dataDir, 'partners.sqlite'))).toBe(true);
  });

  it('shuts down cleanly on SIGTERM', async () => {
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
