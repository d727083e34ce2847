import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { codeCounts, dealLifecycle, percentile, portalQuery, prepareDemo, runLoad, send, sleep, today, type Demo, type Outcome } from '../faults/load';
import { SUBGRAPHS, type ProcessName, type Topology } from '../faults/topology';

/**
 * A mixed workload against the hub for a while: partners reading their portal page, deals going
 * through their lifecycle, a service provider's usage reports, staff starting statement runs, and
 * live subscribers on dealUpdated. Every request is recorded; the caller gets per-window figures
 * and each process's footprint at the start and the end.
 */

export interface ProcessFootprint {
  name: ProcessName;
  /** Resident set size from /proc/<pid>/status. */
  rssMb: number;
  /** V8's used heap right after a full GC (through the inspector, when the topology has it on). */
  heapAfterGcMb?: number;
  /** V8's used heap at the scrape, garbage included (prom-client's nodejs_heap_size_used_bytes on the process's /metrics). */
  heapUsedMb?: number;
  /** Open file descriptors, and those of them that are sockets (/proc/<pid>/fd). */
  fds: number;
  sockets: number;
  /** libuv handles the process reports (nodejs_active_handles_total). */
  activeHandles?: number;
}

export interface SoakWindow {
  minute: number;
  requests: number;
  errors: Record<string, number>;
  p50: number;
  p95: number;
  p99: number;
}

export interface SoakResult {
  windows: SoakWindow[];
  outcomes: Outcome[];
  start: ProcessFootprint[];
  end: ProcessFootprint[];
  subscription: { subscribers: number; events: number; errors: number };
}

const MB = 1024 * 1024;

function metricValue(text: string, name: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

/** One process's footprint, read from the kernel and from its /metrics. */
async function footprint(topology: Topology, name: ProcessName): Promise<ProcessFootprint> {
  const pid = topology.pid(name)!;
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  const fdDir = `/proc/${pid}/fd`;
  const links = readdirSync(fdDir).map((fd) => {
    try {
      return readlinkSync(`${fdDir}/${fd}`);
    } catch {
      return '';
    }
  });
  const metricsUrl = name === 'gateway' ? topology.metricsUrl : `${topology.subgraphOrigins[name]}/metrics`;
  let metrics = '';
  try {
    metrics = await (await fetch(metricsUrl, { signal: AbortSignal.timeout(5_000) })).text();
  } catch {
    // a process without metrics still has its kernel figures
  }
  const heap = metricValue(metrics, 'nodejs_heap_size_used_bytes');
  const afterGc = await topology.heapAfterGc(name).catch(() => undefined);
  return {
    name,
    rssMb: Math.round(rssKb / 102.4) / 10,
    heapAfterGcMb: afterGc === undefined ? undefined : Math.round((afterGc / MB) * 10) / 10,
    heapUsedMb: heap === undefined ? undefined : Math.round((heap / MB) * 10) / 10,
    fds: links.length,
    sockets: links.filter((link) => link.startsWith('socket:')).length,
    activeHandles: metricValue(metrics, 'nodejs_active_handles_total'),
  };
}

export const footprints = (topology: Topology) => Promise.all((['gateway', ...SUBGRAPHS] as const).map((name) => footprint(topology, name)));

export function windowsOf(outcomes: readonly Outcome[], startedAt: number, windowMs: number): SoakWindow[] {
  const windows: SoakWindow[] = [];
  const last = Math.max(startedAt, ...outcomes.map((o) => o.at));
  for (let from = startedAt, minute = 1; from <= last; from += windowMs, minute += 1) {
    const inWindow = outcomes.filter((o) => o.at >= from && o.at < from + windowMs);
    const latencies = inWindow.map((o) => o.latencyMs);
    windows.push({ minute, requests: inWindow.length, errors: codeCounts(inWindow), p50: percentile(latencies, 0.5), p95: percentile(latencies, 0.95), p99: percentile(latencies, 0.99) });
  }
  return windows;
}

export const formatWindow = (w: SoakWindow) =>
  `minute ${w.minute}: ${w.requests} requests, errors ${JSON.stringify(w.errors)}, p50 ${w.p50} ms, p95 ${w.p95} ms, p99 ${w.p99} ms`;

export const formatFootprint = (f: ProcessFootprint) =>
  `${f.name.padEnd(10)} rss ${f.rssMb} MB, heap after GC ${f.heapAfterGcMb ?? '?'} MB (used ${f.heapUsedMb ?? '?'} MB), fds ${f.fds} (sockets ${f.sockets}), active handles ${f.activeHandles ?? '?'}`;

interface UsageSetup {
  token: string;
  partnerId: string;
  customerId: string;
  month: string;
}

/** A service provider with a master licence and one deployment, to report usage for; undefined when the demo has none. */
async function prepareUsage(topology: Topology, demo: Demo): Promise<UsageSetup | undefined> {
  const listed = await send(
    topology.url,
    'setup',
    demo.admin,
    '{ distributors { id usageBasedProgram } partners(first: 50, filter: { programCode: "FR-2023" }) { edges { node { id businessModels distributors { id } } } } }',
  );
  const data = listed.data as { distributors: { id: string; usageBasedProgram: boolean }[]; partners: { edges: { node: { id: string; businessModels: string[]; distributors: { id: string }[] } }[] } } | null;
  const usageDistributors = new Set(data?.distributors.filter((d) => d.usageBasedProgram).map((d) => d.id));
  const provider = data?.partners.edges.map((e) => e.node).find((p) => p.businessModels.includes('SERVICE_PROVIDER') && p.distributors.some((d) => usageDistributors.has(d.id)));
  if (!provider) return undefined;
  const distributorId = provider.distributors.find((d) => usageDistributors.has(d.id))!.id;
  const distributor = await topology.token({ sub: 'soak-distributor', role: 'distributor', distributorId });
  const token = await topology.token({ sub: 'soak-provider', role: 'partner', partnerId: provider.id });
  await send(topology.url, 'setup', distributor, 'mutation ($p: ID!, $d: ID!) { grantMasterLicense(partnerId: $p, distributorId: $d) { id } }', { p: provider.id, d: distributorId });
  const deployed = await send(
    topology.url,
    'setup',
    token,
    'mutation ($input: DeployUsageInput!) { deployUsage(input: $input) { deployedOn customer { id } } }',
    { input: { partnerId: provider.id, customer: { name: `Soak customer ${Date.now()}`, country: 'FR' }, sku: 'ENDPOINT-STD-U', hosting: 'HOSTED' } },
  );
  const deployment = (deployed.data as { deployUsage?: { deployedOn: string; customer: { id: string } } } | null)?.deployUsage;
  if (!deployment) throw new Error(`soak: could not deploy usage: ${JSON.stringify(deployed.errors)}`);
  return { token, partnerId: provider.id, customerId: deployment.customer.id, month: deployment.deployedOn.slice(0, 7) };
}

const quarterOf = (day: string) => `${day.slice(0, 4)}-Q${Math.floor((Number(day.slice(5, 7)) - 1) / 3) + 1}`;

export interface SoakOptions {
  durationMs: number;
  /** Length of a reporting window (a minute by default). */
  windowMs?: number;
  /** Load before the start footprint, so it is not the cold process that is compared. */
  warmUpMs?: number;
  subscribers?: number;
  /** Each window's figures as it ends, with every process's heap after GC then (to see a trend, not only two points). */
  onWindow?: (window: SoakWindow, heapAfterGcMb: Partial<Record<ProcessName, number>>) => void;
}

export async function runSoak(topology: Topology, options: SoakOptions): Promise<SoakResult> {
  const windowMs = options.windowMs ?? 60_000;
  const demo = await prepareDemo(topology);
  const usage = await prepareUsage(topology, demo);

  // Live subscribers, each on its own graphql-ws connection as a portal tab would be.
  const subscription = { subscribers: options.subscribers ?? 10, events: 0, errors: 0 };
  const clients: Client[] = [];
  for (let i = 0; i < subscription.subscribers; i += 1) {
    const client = createClient({ url: topology.url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, connectionParams: { Authorization: `Bearer ${demo.admin}` }, retryAttempts: 0, lazy: false });
    clients.push(client);
    client.subscribe(
      { query: 'subscription ($p: ID) { dealUpdated(partnerId: $p) { id kind deal { id status } } }', variables: { p: demo.partnerId } },
      {
        next: (result) => {
          if (result.errors) subscription.errors += 1;
          else subscription.events += 1;
        },
        error: () => {
          subscription.errors += 1;
        },
        complete: () => undefined,
      },
    );
  }

  let statementsAt = 0;
  let usageSeats = 10;
  // Worker roles by index: portal readers, deal lifecycles, one usage reporter, one staff member.
  const load = runLoad(8, async (worker) => {
    if (worker < 4) return portalQuery(topology.url, demo);
    if (worker < 6) return (await dealLifecycle(topology.url, demo)).outcomes;
    if (worker === 6 && usage) {
      usageSeats += 1;
      const outcome = await send(
        topology.url,
        'submitUsageReport',
        usage.token,
        'mutation ($input: UsageReportInput!) { submitUsageReport(input: $input) { version status } }',
        { input: { partnerId: usage.partnerId, month: usage.month, lines: [{ customer: usage.customerId, sku: 'ENDPOINT-STD-U', seats: usageSeats }] } },
      );
      await sleep(500);
      return outcome;
    }
    // Staff: a statements run of the quarter every 20 s, the program's partners list in between.
    if (Date.now() - statementsAt > 20_000) {
      statementsAt = Date.now();
      return send(topology.url, 'computeStatements', demo.admin, 'mutation ($p: String!) { computeStatements(period: $p) { id status } }', { p: quarterOf(today()) });
    }
    const outcome = await send(topology.url, 'partners', demo.admin, '{ partners(first: 50, filter: { programCode: "FR-2023" }) { totalCount edges { node { id name tier { code } } } } }');
    await sleep(200);
    return outcome;
  });

  if (options.warmUpMs) await sleep(options.warmUpMs);
  const start = await footprints(topology);
  const startedAt = Date.now();
  let reported = 0;
  while (Date.now() - startedAt < options.durationMs) {
    await sleep(Math.min(1_000, options.durationMs - (Date.now() - startedAt)));
    const complete = Math.floor((Date.now() - startedAt) / windowMs);
    for (; reported < complete; reported += 1) {
      const from = startedAt + reported * windowMs;
      const window = windowsOf(load.outcomes.filter((o) => o.at >= from && o.at < from + windowMs), from, windowMs)[0]!;
      if (options.onWindow) {
        const heaps = Object.fromEntries((await footprints(topology)).map((f) => [f.name, f.heapAfterGcMb]));
        options.onWindow({ ...window, minute: reported + 1 }, heaps);
      }
    }
  }
  const endsAt = startedAt + options.durationMs;
  // Requests sent in the last moment belong to no whole window: left out, as the warm-up's are.
  const outcomes = (await load.stop()).filter((o) => o.at >= startedAt && o.at < endsAt);
  await Promise.all(clients.map((client) => client.dispose()));
  // Let closed connections and finished requests be released before the end footprint.
  await sleep(2_000);
  const end = await footprints(topology);
  return { windows: windowsOf(outcomes, startedAt, windowMs), outcomes, start, end, subscription };
}
