import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, type WriteStream } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createConnection } from 'mysql2/promise';
import WebSocket from 'ws';
import { mintToken, type Claims } from '@hub/auth';
import { createTestDatabase, freePort, type TestDatabase } from '@hub/testing';

/**
 * The hub as docker-compose runs it, without Docker: the four subgraphs (`src/main.ts` through
 * tsx) and the gateway (`gateway/src/index.ts`) each in its own process, NODE_ENV=production,
 * on free ports, each subgraph on its own new MariaDB database, all on a redis-server of their
 * own (so a test may kill it, and no other suite's streams mix with these). With privateDatabase
 * the databases live on a mariadbd of their own too (the shared server is never restarted).
 * Fault tests kill, stop and restart these processes; close() removes everything, also after a
 * failure (KEEP_FAULT_LOGS=1 keeps the processes' logs).
 */

export const SUBGRAPHS = ['partners', 'deals', 'licenses', 'incentives'] as const;
export type SubgraphName = (typeof SUBGRAPHS)[number];
export type ProcessName = SubgraphName | 'gateway';
/** Everything the topology runs: the hub's processes, its redis-server and, when private, its mariadbd. */
export type Part = ProcessName | 'redis' | 'mariadb';

// Secrets of this topology alone; production mode refuses the development ones.
const JWT_SECRET = 'faults-jwt-secret-at-least-32-characters-long';
const GATEWAY_SECRET = 'faults-gateway-secret-at-least-32-characters';
const WEBHOOK_SECRET_KEY = '6661756c74732d776562686f6f6b2d7365637265742d6b65792d33322d627974';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

const ENTRY: Record<ProcessName, { cwd: string; script: string }> = {
  partners: { cwd: 'subgraphs/partners', script: 'src/main.ts' },
  deals: { cwd: 'subgraphs/deals', script: 'src/main.ts' },
  licenses: { cwd: 'subgraphs/licenses', script: 'src/main.ts' },
  incentives: { cwd: 'subgraphs/incentives', script: 'src/main.ts' },
  gateway: { cwd: 'gateway', script: 'src/index.ts' },
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Running {
  child: ChildProcess;
  exited: Promise<void>;
}

export interface TopologyOptions {
  /** Extra environment for every process (e.g. the gateway's timeouts), then per process. */
  env?: Record<string, string>;
  envOf?: Partial<Record<ProcessName, Record<string, string>>>;
  /** Waits this long at most for the hub to answer after start (the first start migrates four databases). */
  readyTimeoutMs?: number;
  /**
   * Runs a mariadbd of this topology alone (its own datadir and port), so a test may kill or stop
   * the database; otherwise the databases are created on the shared server (TEST_MYSQL_URL), which
   * no test may restart.
   */
  privateDatabase?: boolean;
  /**
   * Starts each hub process with the inspector on a loopback port of its own, so heapAfterGc can
   * collect garbage and read the heap that is left (the soak's figure); off otherwise.
   */
  inspect?: boolean;
}

export interface Topology {
  /** The gateway's GraphQL endpoint. */
  url: string;
  origin: string;
  /** Where Prometheus would scrape the gateway (its own port, as in docker-compose). */
  metricsUrl: string;
  redisUrl: string;
  /** Each subgraph's origin, e.g. to read its /readyz or /metrics. */
  subgraphOrigins: Record<SubgraphName, string>;
  /** Where each process writes its stdout and stderr. */
  logFile(name: ProcessName): string;
  pid(name: Part): number | undefined;
  /** The process's used heap right after a full garbage collection, in bytes (inspect only). */
  heapAfterGc(name: ProcessName): Promise<number>;
  token(claims: Claims): Promise<string>;
  /** Sends a signal and, unless it is SIGSTOP/SIGCONT, waits for the process to exit. */
  kill(name: Part, signal?: NodeJS.Signals): Promise<void>;
  /** Freezes a process (SIGSTOP): its sockets stay open and nothing answers. */
  stop(name: Part): void;
  cont(name: Part): void;
  /** Starts a process again with the same ports and databases and waits until it is ready. */
  restart(name: ProcessName): Promise<void>;
  start(name: ProcessName): Promise<void>;
  waitReady(name: ProcessName, timeoutMs?: number): Promise<void>;
  /** Kills redis-server (SIGKILL: no save) — it had persistence off, so it comes back empty. */
  killRedis(): Promise<void>;
  startRedis(): Promise<void>;
  /** Starts the private mariadbd again on its datadir (privateDatabase only). */
  startDatabase(): Promise<void>;
  /** Runs SQL on a subgraph's own database. */
  sql<T = Record<string, unknown>>(subgraph: SubgraphName, statement: string, params?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

/** Resolves when `url` answers 200 within the time, polling. */
async function until200(url: string, timeoutMs: number, exited: () => boolean, what: string): Promise<void> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if (exited()) throw new Error(`${what} exited before it was ready`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      await response.arrayBuffer();
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(200);
  }
  throw new Error(`${what} not ready within ${timeoutMs} ms (${url})`);
}

export async function startTopology(options: TopologyOptions = {}): Promise<Topology> {
  const logDir = mkdtempSync(join(tmpdir(), 'hub-faults-'));
  const databases: Partial<Record<SubgraphName, TestDatabase>> = {};
  const running = new Map<Part, Running>();
  const logs = new Map<Part, WriteStream>();
  const ports = {} as Record<Part | 'metrics', number>;
  for (const name of [...SUBGRAPHS, 'gateway', 'redis', 'mariadb', 'metrics'] as const) ports[name] = await freePort();
  const inspectPorts = {} as Record<ProcessName, number>;
  for (const name of [...SUBGRAPHS, 'gateway'] as const) inspectPorts[name] = await freePort();
  const redisUrl = `redis://127.0.0.1:${ports.redis}`;
  const subgraphOrigins = Object.fromEntries(SUBGRAPHS.map((name) => [name, `http://127.0.0.1:${ports[name]}`])) as Record<SubgraphName, string>;
  const started = new Set<ProcessName>();

  // A test runner that dies mid-test must not leave a hub behind.
  const killAllNow = () => {
    for (const { child } of running.values()) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  process.once('exit', killAllNow);

  const logOf = (name: Part) => {
    let stream = logs.get(name);
    if (!stream) {
      stream = createWriteStream(join(logDir, `${name}.log`), { flags: 'a' });
      logs.set(name, stream);
    }
    return stream;
  };

  const launch = (name: Part, command: string, args: string[], cwd: string, env: Record<string, string>) => {
    const child = spawn(command, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const log = logOf(name);
    child.stdout!.pipe(log, { end: false });
    child.stderr!.pipe(log, { end: false });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    running.set(name, { child, exited });
    return child;
  };

  const envOf = (name: ProcessName): Record<string, string> => {
    const common = { NODE_ENV: 'production', REDIS_URL: redisUrl, GATEWAY_SECRET, HOST: '127.0.0.1', PORT: String(ports[name]), LOG_JSON: '1', ...options.env };
    if (name === 'gateway') {
      return {
        ...common,
        JWT_SECRET,
        METRICS_PORT: String(ports.metrics),
        // The load drivers are a few callers sending hundreds of requests a second on purpose.
        RATE_LIMIT: '1000000/1s',
        RATE_LIMIT_ANONYMOUS: '1000000/1s',
        ...Object.fromEntries(SUBGRAPHS.map((s) => [`${s.toUpperCase()}_URL`, `${subgraphOrigins[s]}/graphql`])),
        ...options.envOf?.gateway,
      };
    }
    return {
      ...common,
      DATABASE_URL: databases[name]!.url,
      // Demo data on the first start only, as a compose stack's volume keeps it afterwards.
      SEED_DEMO_DATA: started.has(name) ? 'false' : 'true',
      ...(name === 'deals' ? { WEBHOOK_SECRET_KEY, DEAL_FEED_POLL_MS: '200' } : {}),
      ...options.envOf?.[name],
    };
  };

  const isExited = (name: Part) => {
    const child = running.get(name)?.child;
    return !child || child.exitCode !== null || child.signalCode !== null;
  };

  const waitReady = async (name: ProcessName, timeoutMs = options.readyTimeoutMs ?? 90_000) => {
    // The gateway is ready as soon as it can answer; the topology waits until it can answer whole.
    const probe = name === 'gateway' ? `http://127.0.0.1:${ports.gateway}/readyz?subgraphs=all` : `${subgraphOrigins[name]}/readyz`;
    await until200(probe, timeoutMs, () => isExited(name), name);
  };

  const start = async (name: ProcessName) => {
    const entry = ENTRY[name];
    const inspect = options.inspect ? [`--inspect=127.0.0.1:${inspectPorts[name]}`] : [];
    launch(name, process.execPath, [...inspect, '--import', 'tsx', entry.script], join(ROOT, entry.cwd), envOf(name));
    started.add(name);
    await waitReady(name);
  };

  const listening = async (name: 'redis' | 'mariadb', timeoutMs: number) => {
    const started = Date.now();
    for (;;) {
      if (isExited(name)) throw new Error(`${name} exited at start`);
      const ok = await new Promise<boolean>((resolve) => {
        const socket = connect(ports[name], '127.0.0.1');
        socket.once('connect', () => {
          socket.destroy();
          resolve(true);
        });
        socket.once('error', () => resolve(false));
      });
      if (ok) return;
      if (Date.now() - started > timeoutMs) throw new Error(`${name} did not listen`);
      await sleep(50);
    }
  };

  const startRedis = async () => {
    launch('redis', 'redis-server', ['--port', String(ports.redis), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], logDir, {});
    await listening('redis', 10_000);
  };

  const mariadbDir = join(logDir, 'mariadb');
  const startDatabase = async () => {
    if (!options.privateDatabase) throw new Error('the shared database is never restarted: start the topology with privateDatabase');
    // --no-defaults: the machine's my.cnf (its datadir, socket, user) is not this server's.
    const args = ['--no-defaults', `--datadir=${mariadbDir}`, `--port=${ports.mariadb}`, '--bind-address=127.0.0.1', `--socket=${join(logDir, 'mariadb.sock')}`, '--skip-log-bin', '--innodb-buffer-pool-size=64M'];
    launch('mariadb', 'mariadbd', process.getuid?.() === 0 ? [...args, '--user=root'] : args, logDir, {});
    await listening('mariadb', 30_000);
  };

  /** A new system datadir whose root logs in without a password over TCP, as on the shared test server. */
  const installDatabase = async () => {
    const args = ['--no-defaults', `--datadir=${mariadbDir}`, '--auth-root-authentication-method=normal', '--skip-test-db'];
    const install = spawn('mariadb-install-db', process.getuid?.() === 0 ? [...args, '--user=root'] : args, { stdio: ['ignore', 'pipe', 'pipe'] });
    install.stdout.pipe(logOf('mariadb'), { end: false });
    install.stderr.pipe(logOf('mariadb'), { end: false });
    const code = await new Promise<number | null>((resolve) => install.once('exit', resolve));
    if (code !== 0) throw new Error(`mariadb-install-db failed (${code}): see the mariadb log`);
  };

  const privateServerUrl = () => `mysql://root@127.0.0.1:${ports.mariadb}`;
  const onPrivateServer = async (statement: string) => {
    const connection = await createConnection({ uri: `${privateServerUrl()}/` });
    try {
      await connection.query(statement);
    } finally {
      await connection.end();
    }
  };
  const createDatabase = async (name: SubgraphName): Promise<TestDatabase> => {
    if (!options.privateDatabase) return createTestDatabase(`faults_${name}`);
    await onPrivateServer(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    // The whole server goes with its datadir at close.
    return { url: `${privateServerUrl()}/${name}`, name, drop: async () => undefined };
  };

  const signalAndWait = async (name: Part, signal: NodeJS.Signals) => {
    const entry = running.get(name);
    if (!entry || isExited(name)) return;
    entry.child.kill(signal);
    await entry.exited;
  };

  const close = async () => {
    // Stopped processes ignore SIGTERM until continued; SIGKILL ends everything at once.
    await Promise.all([...running.keys()].map((name) => signalAndWait(name, 'SIGKILL')));
    process.removeListener('exit', killAllNow);
    for (const stream of logs.values()) stream.end();
    await Promise.all(Object.values(databases).map((database) => database.drop()));
    if (!process.env.KEEP_FAULT_LOGS) rmSync(logDir, { recursive: true, force: true });
    else console.log(`fault topology logs kept in ${logDir}`);
  };

  try {
    await startRedis();
    if (options.privateDatabase) {
      await installDatabase();
      await startDatabase();
    }
    for (const name of SUBGRAPHS) databases[name] = await createDatabase(name);
    // Partners first: its seed publishes the partners the others learn from; then the rest together.
    await start('partners');
    await Promise.all((['deals', 'licenses', 'incentives'] as const).map(start));
    await start('gateway');
  } catch (error) {
    const tail = [...SUBGRAPHS, 'gateway' as const]
      .map((name) => {
        try {
          return `--- ${name}\n${readFileSync(join(logDir, `${name}.log`), 'utf8').split('\n').slice(-15).join('\n')}`;
        } catch {
          return '';
        }
      })
      .join('\n');
    await close();
    throw new Error(`${(error as Error).message}\n${tail}`);
  }

  return {
    url: `http://127.0.0.1:${ports.gateway}/graphql`,
    origin: `http://127.0.0.1:${ports.gateway}`,
    metricsUrl: `http://127.0.0.1:${ports.metrics}/metrics`,
    redisUrl,
    subgraphOrigins,
    logFile: (name) => join(logDir, `${name}.log`),
    pid: (name) => running.get(name)?.child.pid,
    heapAfterGc: async (name) => {
      if (!options.inspect) throw new Error('heapAfterGc needs a topology started with inspect');
      return heapAfterGc(inspectPorts[name]);
    },
    token: (claims) => mintToken(claims, { secret: JWT_SECRET, expiresIn: '2h' }),
    kill: async (name, signal = 'SIGKILL') => {
      if (signal === 'SIGSTOP' || signal === 'SIGCONT') {
        running.get(name)?.child.kill(signal);
        return;
      }
      await signalAndWait(name, signal);
    },
    stop: (name) => void running.get(name)?.child.kill('SIGSTOP'),
    cont: (name) => void running.get(name)?.child.kill('SIGCONT'),
    restart: async (name) => {
      await signalAndWait(name, 'SIGKILL');
      await start(name);
    },
    start,
    waitReady,
    killRedis: () => signalAndWait('redis', 'SIGKILL'),
    startRedis,
    startDatabase,
    sql: async <T>(subgraph: SubgraphName, statement: string, params: unknown[] = []) => {
      const connection = await createConnection({ uri: databases[subgraph]!.url.replace(/^mariadb:/, 'mysql:') });
      try {
        const [rows] = await connection.query(statement, params);
        return rows as T[];
      } finally {
        await connection.end();
      }
    },
    close,
  };
}

/**
 * Through the inspector protocol: a full garbage collection (HeapProfiler.collectGarbage), then
 * the heap V8 still uses. What is left after a GC is what the process keeps; heapUsed at any
 * other moment also counts garbage not yet collected.
 */
async function heapAfterGc(inspectPort: number): Promise<number> {
  const targets = (await (await fetch(`http://127.0.0.1:${inspectPort}/json/list`)).json()) as { webSocketDebuggerUrl: string }[];
  const socket = new WebSocket(targets[0]!.webSocketDebuggerUrl);
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  let nextId = 0;
  const call = (method: string, params: Record<string, unknown> = {}) =>
    new Promise<{ result?: { value?: unknown } }>((resolve, reject) => {
      const id = (nextId += 1);
      const onMessage = (data: WebSocket.RawData) => {
        const message = JSON.parse(data.toString()) as { id?: number; result?: { result?: { value?: unknown } }; error?: { message: string } };
        if (message.id !== id) return;
        socket.off('message', onMessage);
        if (message.error) reject(new Error(message.error.message));
        else resolve(message.result ?? {});
      };
      socket.on('message', onMessage);
      socket.send(JSON.stringify({ id, method, params }));
    });
  try {
    await call('HeapProfiler.collectGarbage');
    const evaluated = await call('Runtime.evaluate', { expression: 'process.memoryUsage().heapUsed', returnByValue: true });
    return Number(evaluated.result?.value);
  } finally {
    socket.close();
  }
}
