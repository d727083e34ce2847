import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = new URL('..', import.meta.url).pathname;
const run = promisify(execFile);

/**
 * Production runs the bundled gateway (Dockerfile, docker-compose: `node gateway/dist/index.js`),
 * not the TypeScript the other suites load: a gateway import the bundler cannot follow (a
 * subgraph's code, a native module) breaks only the deploy. Bundling it here catches that.
 */
describe('the production gateway bundle', () => {
  // Inside the gateway package, as dist/ is: the bundle resolves its dependencies from there.
  const out = mkdtempSync(join(ROOT, 'gateway', '.build-test-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('builds from src/index.ts into one file that Node can start', async () => {
    const outfile = join(out, 'index.js');
    await run(process.execPath, [join(ROOT, 'gateway/build.mjs'), join(ROOT, 'gateway/src/index.ts'), outfile, join(ROOT, 'gateway/package.json')], { cwd: ROOT });
    expect(existsSync(outfile)).toBe(true);
    expect(statSync(outfile).size).toBeGreaterThan(10_000);
    // Starting it with a broken configuration exits at once, naming the variable: the bundle loaded.
    const started = await run(process.execPath, [outfile], { cwd: join(ROOT, 'gateway'), env: { ...process.env, PORT: 'not-a-port', NODE_ENV: 'development' } }).then(
      () => ({ code: 0, stderr: '' }),
      (error: { code: number; stderr: string }) => ({ code: error.code, stderr: error.stderr }),
    );
    expect(started.code).not.toBe(0);
    expect(started.stderr).toContain('PORT');
  });
});
