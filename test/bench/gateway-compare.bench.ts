import autocannon from 'autocannon';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { mintToken, type Claims } from '@hub/auth';
import type { CompareHub } from './gateway-compare.hub';
import { startHubProcess } from './hub-process';
import { BENCH_GATEWAY_SECRET, BENCH_JWT_SECRET } from './secrets';

/**
 * The hub's gateway next to Apollo Gateway 2.x on the same supergraph and the same subgraph
 * process (SQLite, demo data plus generated partners and deals), each gateway in its own
 * process pinned to core 1 where `taskset` exists, loaded in turn, round after round, so noise
 * from the rest of the machine falls on every gateway alike. Prints req/s, p50/p99, RSS and the
 * hub/Apollo ratios. BENCH_GATEWAY_DURATION (s per round and query, default 5),
 * BENCH_GATEWAY_ROUNDS (default 3), BENCH_CONNECTIONS (default 10).
 */
const DURATION_S = Number(process.env.BENCH_GATEWAY_DURATION ?? 5);
const ROUNDS = Number(process.env.BENCH_GATEWAY_ROUNDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const GATEWAY_CORE = '1';
const SUBGRAPH_CORE = '0';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const HUB_DIST = join(ROOT, 'gateway/dist/index.js');
const HUB_SOURCE = join(ROOT, 'gateway/src/index.ts');
const APOLLO_SOURCE = fileURLToPath(new URL('./gateway-compare.apollo.ts', import.meta.url));
const APOLLO_DIST = fileURLToPath(new URL('./dist/gateway-compare.apollo.js', import.meta.url));

const GATEWAY_BOUND = '{ programs { code name } }';
const PORTAL_PAGE = `query Portal($id: ID!) {
  partner(id: $id) {
    id name tier { code name }
    standing { certifiedStaff qualifiedTier { code } nextTier { code } gapRevenue { amount currency } gapStaff }
    deals(first: 10) { totalCount edges { node { id status amount { amount currency } priceQuote { listAmount { amount } netAmount { amount } } } } }
    licenses(first: 10) { totalCount edges { node { id skuCode status endsOn } } }
    statements(first: 4) { edges { node { id period status total { amount currency } } } }
  }
}`;

interface GatewayUnderTest {
  label: string;
  url: string;
  pid: number;
  stop(): Promise<void>;
}

interface Round {
  rps: number;
  /** CPU time the gateway process spent per answered request: steadier than req/s on a busy machine. */
  cpuMs: number;
  p50: number;
  p99: number;
  errors: number;
  rssMb: number;
}

const hasTaskset = spawnSync('taskset', ['-c', GATEWAY_CORE, 'true']).status === 0;

/** `node <args>`, pinned to `core` when taskset exists. */
function spawnNode(core: string, args: string[], env: Record<string, string>): ChildProcess {
  const command = hasTaskset ? 'taskset' : process.execPath;
  const argv = hasTaskset ? ['-c', core, process.execPath, ...args] : args;
  return spawn(command, argv, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
}

/** Starts a gateway process and waits for its `gateway ready at <url>` line. */
async function startGateway(label: string, args: string[], env: Record<string, string>): Promise<GatewayUnderTest> {
  const child = spawnNode(GATEWAY_CORE, args, env);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  const url = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      const match = /ready at (\S+)/.exec(line);
      if (match) resolve(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`gateway ${label} exited early (code ${code})`)));
  }).catch(async (error: unknown) => {
    await stop();
    throw error;
  });
  return { label, url, pid: child.pid!, stop };
}

const CLOCK_TICKS_PER_S = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout?.trim()) || 100;

/** CPU time (user + system) a process has used, in ms, from /proc (Linux); 0 elsewhere. */
function cpuMs(pid: number): number {
  try {
    // The fields after the command name (which may hold spaces) start with the state, field 3.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_S;
  } catch {
    return 0;
  }
}

/** Resident memory of a process, from /proc (Linux); 0 elsewhere. */
function rssMb(pid: number): number {
  try {
    const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb ? Number(kb) / 1024 : 0;
  } catch {
    return 0;
  }
}

async function post(url: string, token: string, body: string): Promise<unknown> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body });
  return response.json();
}

async function load(gateway: GatewayUnderTest, token: string, body: string, duration: number): Promise<Round> {
  const cpuBefore = cpuMs(gateway.pid);
  const result = await autocannon({
    url: gateway.url,
    connections: CONNECTIONS,
    duration,
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body,
  });
  return {
    rps: result.requests.average,
    cpuMs: (cpuMs(gateway.pid) - cpuBefore) / Math.max(result.requests.total, 1),
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.non2xx + result.timeouts,
    rssMb: rssMb(gateway.pid),
  };
}

const mean = (values: number[]) => values.reduce((sum, v) => sum + v, 0) / values.length;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/**
 * Both sides run bundled JavaScript: the hub's gateway as `pnpm --filter @hub/gateway build`
 * ships it, and the Apollo Gateway script bundled the same way.
 */
function buildGateways(): void {
  const builds = [
    ['pnpm', '--filter', '@hub/gateway', 'build'],
    [process.execPath, join(ROOT, 'gateway/build.mjs'), APOLLO_SOURCE, APOLLO_DIST, join(ROOT, 'test/package.json')],
  ];
  for (const [command, ...args] of builds) {
    if (spawnSync(command!, args, { cwd: ROOT, stdio: 'inherit' }).status !== 0) throw new Error(`${[command, ...args].join(' ')} failed`);
  }
}

export async function benchGatewayCompare(): Promise<void> {
  buildGateways();
  const dataDir = mkdtempSync(join(tmpdir(), 'hub-gateway-compare-'));
  const started = Date.now();
  const hub = await startHubProcess<CompareHub>('gateway-compare.hub.ts', { BENCH_DATA_DIR: dataDir, ...(hasTaskset ? { BENCH_PIN_CORE: SUBGRAPH_CORE } : {}) });
  const gateways: GatewayUnderTest[] = [];
  try {
    console.log(`\ngateway comparison: ${hub.urls.partners} partners, ${hub.urls.deals} deals on SQLite (set up in ${((Date.now() - started) / 1000).toFixed(0)} s)`);
    const common = { NODE_ENV: 'production', JWT_SECRET: BENCH_JWT_SECRET, GATEWAY_SECRET: BENCH_GATEWAY_SECRET, SUPERGRAPH_PATH: hub.urls.supergraphPath, PORT: '0', HOST: '127.0.0.1' };
    const hubEnv = {
      ...common,
      RATE_LIMIT: '1000000/1s',
      ...Object.fromEntries(Object.entries(hub.urls.subgraphUrls).map(([name, url]) => [`${name.toUpperCase()}_URL`, url])),
    };
    gateways.push(await startGateway('hub', [HUB_DIST], hubEnv));
    gateways.push(await startGateway('Apollo Gateway', [APOLLO_DIST], { ...common, SUBGRAPH_URLS: JSON.stringify(hub.urls.subgraphUrls) }));
    gateways.push(await startGateway('hub, JS planner', [HUB_DIST], { ...hubEnv, QUERY_PLANNER: 'js' }));
    gateways.push(await startGateway('hub on tsx', ['--import', 'tsx', HUB_SOURCE], hubEnv));

    const partner: Claims = { sub: 'bench@portal', role: 'partner', partnerId: hub.urls.portalPartnerId };
    const token = await mintToken(partner, { secret: BENCH_JWT_SECRET, expiresIn: '2h' });
    const queries = [
      { name: '{ programs { code name } } (gateway-bound)', body: JSON.stringify({ query: GATEWAY_BOUND }) },
      { name: 'portal page (4 subgraphs)', body: JSON.stringify({ query: PORTAL_PAGE, variables: { id: hub.urls.portalPartnerId } }) },
    ];

    // Every gateway must give the same answer, without errors, before any is timed.
    for (const query of queries) {
      const answers = await Promise.all(gateways.map((g) => post(g.url, token, query.body)));
      const reference = answers[0] as { data?: unknown; errors?: unknown };
      if (reference.errors || !reference.data) throw new Error(`${query.name}: ${JSON.stringify(reference.errors)}`);
      answers.forEach((answer, i) => {
        if (!isDeepStrictEqual(answer, reference)) throw new Error(`${query.name}: ${gateways[i]!.label} answers differently: ${JSON.stringify(answer).slice(0, 300)}`);
      });
    }

    const rounds = new Map<string, Round[]>();
    for (const query of queries) for (const g of gateways) await load(g, token, query.body, 2); // warm-up: JIT, plans, pools
    for (let round = 0; round < ROUNDS; round += 1) {
      for (const query of queries) {
        for (const g of gateways) {
          const key = `${query.name}\t${g.label}`;
          rounds.set(key, [...(rounds.get(key) ?? []), await load(g, token, query.body, DURATION_S)]);
        }
      }
    }

    console.log(
      `${gateways.length} gateways${hasTaskset ? ` pinned to core ${GATEWAY_CORE} (subgraphs on core ${SUBGRAPH_CORE})` : ''}, ${CONNECTIONS} connections, ` +
        `${ROUNDS} rounds of ${DURATION_S} s per query and gateway, alternating; node ${process.version}, ${cpus().length} cores`,
    );
    for (const query of queries) {
      const rows = Object.fromEntries(
        gateways.map((g) => {
          const measured = rounds.get(`${query.name}\t${g.label}`)!;
          return [
            g.label,
            {
              'req/s': Math.round(mean(measured.map((r) => r.rps))),
              'CPU ms/req': Number(mean(measured.map((r) => r.cpuMs)).toFixed(2)),
              'p50 ms': median(measured.map((r) => r.p50)),
              'p99 ms': median(measured.map((r) => r.p99)),
              'RSS MB': Math.round(Math.max(...measured.map((r) => r.rssMb))),
              errors: measured.reduce((sum, r) => sum + r.errors, 0),
            },
          ];
        }),
      );
      console.log(`\n${query.name}`);
      console.table(rows);
      const hubRow = rows.hub!;
      const apolloRow = rows['Apollo Gateway']!;
      console.log(
        `hub / Apollo: throughput ${(hubRow['req/s'] / apolloRow['req/s']).toFixed(2)}x, CPU per request ${(hubRow['CPU ms/req'] / apolloRow['CPU ms/req']).toFixed(2)}x, p99 ${(hubRow['p99 ms'] / apolloRow['p99 ms']).toFixed(2)}x, RSS ${(hubRow['RSS MB'] / apolloRow['RSS MB']).toFixed(2)}x`,
      );
    }
  } finally {
    for (const g of gateways) await g.stop();
    await hub.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
