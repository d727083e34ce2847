import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { BENCH_WEBHOOK_SECRET_KEY } from './secrets';

export interface HubProcess<Urls> {
  urls: Urls;
  /** SIGTERM, then waits for the process to exit. */
  stop(): Promise<void>;
}

/**
 * Runs a benchmark hub script (next to this file) in a child process, so the load generator
 * does not share its event loop, and resolves with the JSON line the script prints once it
 * serves. The environment carries the database URLs the parent created. BENCH_HUB_NODE_ARGS
 * passes node flags to the hub alone, e.g. `--cpu-prof --cpu-prof-dir=.prof` to see where its time goes.
 */
export async function startHubProcess<Urls>(scriptName: string, env: Record<string, string>): Promise<HubProcess<Urls>> {
  const script = fileURLToPath(new URL(`./${scriptName}`, import.meta.url));
  const nodeArgs = (process.env.BENCH_HUB_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', script], {
    env: { ...process.env, NODE_ENV: 'production', WEBHOOK_SECRET_KEY: BENCH_WEBHOOK_SECRET_KEY, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  try {
    const firstLine = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout! }).once('line', resolve);
      child.once('exit', (code) => reject(new Error(`the benchmark hub ${scriptName} exited early (code ${code})`)));
    });
    return { urls: JSON.parse(firstLine) as Urls, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
