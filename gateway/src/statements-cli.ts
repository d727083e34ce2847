import { mintToken } from '@hub/auth';
import { ConfigError } from '@hub/config';
import { loadAuthConfig } from './config';
import { progressLine } from './progress-bar';

// `pnpm statements 2026-Q3 [--url http://localhost:4000/graphql]`: starts the quarter's
// statements job through the gateway and draws its progress until it ends. The caller is
// HUB_TOKEN when set (a vendor admin's token), else a short-lived vendor admin token minted
// with the configured JWT secret, as `pnpm token` would.
const USAGE = 'usage: pnpm statements <period, e.g. 2026-Q3> [--url <gateway GraphQL URL>]';
const POLL_MS = 500;

interface Job {
  id: string;
  status: string;
  progress: { done: number; total: number };
  error: string | null;
}

type Call = <T>(query: string, variables: Record<string, unknown>) => Promise<T>;

function gatewayCall(url: string, token: string): Call {
  return async <T>(query: string, variables: Record<string, unknown>): Promise<T> => {
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query, variables }) });
    const body = (await response.json()) as { data?: T; errors?: { message: string; extensions?: { code?: string } }[] };
    if (body.errors?.length) throw new Error(body.errors.map((error) => `${error.extensions?.code ?? 'ERROR'}: ${error.message}`).join('; '));
    return body.data!;
  };
}

async function adminToken(): Promise<string> {
  if (process.env.HUB_TOKEN) return process.env.HUB_TOKEN;
  const { jwt } = loadAuthConfig(process.env);
  return mintToken({ sub: 'statements-cli', role: 'vendor_admin' }, { secret: jwt.secret, expiresIn: '1h', issuer: jwt.issuer, audience: jwt.audience });
}

async function main(args: string[]): Promise<number> {
  const period = args.find((arg, i) => !arg.startsWith('--') && args[i - 1] !== '--url');
  const urlAt = args.indexOf('--url');
  const url = urlAt >= 0 ? args[urlAt + 1] : `http://localhost:${process.env.PORT ?? 4000}/graphql`;
  if (!period || !url) {
    console.error(USAGE);
    return 2;
  }
  const call = gatewayCall(url, await adminToken());
  const JOB = 'id status progress { done total } error';
  let job = (await call<{ computeStatements: Job }>(`mutation ($period: String!) { computeStatements(period: $period) { ${JOB} } }`, { period })).computeStatements;
  // Redraw one line on a terminal; print each change on its own line otherwise (logs, CI).
  const draw = (line: string) => (process.stdout.isTTY ? process.stdout.write(`\r${line}`) : console.log(line));
  let last = '';
  for (;;) {
    const line = progressLine(job);
    if (line !== last) draw(line);
    last = line;
    if (job.status === 'SUCCEEDED' || job.status === 'FAILED') break;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    job = (await call<{ job: Job }>(`query ($id: ID!) { job(id: $id) { ${JOB} } }`, { id: job.id })).job;
  }
  if (process.stdout.isTTY) process.stdout.write('\n');
  if (job.status === 'FAILED') {
    console.error(`statements for ${period} failed: ${job.error}`);
    return 1;
  }
  console.log(`statements for ${period}: done (job ${job.id})`);
  return 0;
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : `statements: ${(error as Error).message}`);
  process.exitCode = 1;
}
