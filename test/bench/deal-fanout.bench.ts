import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { REGISTER_DEAL, registerDealInput, startDealsBench, type DealsBench } from './deals.harness';

/**
 * Live deal updates fanned out to many graphql-ws subscribers through the gateway. Each
 * subscriber is a distributor following its own deals, with or without the partner's name
 * joined (deals provides it, `@provides` on `DealEvent.deal`; `partners` asks for a field only
 * the partners subgraph has, the entity fetch per subscriber and event). Per event and
 * subscriber: the time from the mutation's response (the commit, as the client sees it) to the
 * event's arrival. Mutations are spaced: the next starts once every subscriber has the previous
 * event (or after a timeout), so each figure is one event's fan-out, not a queue building up.
 * Every subscriber count and join runs on the same hub, in alternating order over the rounds,
 * so the ratios are the point; absolute figures depend on the machine.
 */
const SUBSCRIBER_COUNTS = (process.env.BENCH_FANOUT_SUBSCRIBERS ?? '100,1000').split(',').map(Number);
const SEQUENCES = Number(process.env.BENCH_FANOUT_SEQUENCES ?? 10);
const ROUNDS = Number(process.env.BENCH_FANOUT_ROUNDS ?? 2);
const PER_CONNECTION = Number(process.env.BENCH_FANOUT_PER_CONNECTION ?? 1);
const CONNECT_BATCH = 50;
const DELIVERY_TIMEOUT_MS = 10_000;
const STALL_MS = 1_000;
const QUIET_MS = 300;
const GAP_MS = 100;
const SETUP_BUDGET_MS = 30_000;
const PHASE_BUDGET_MS = 30_000;

/** The same subscription without the join, with the name deals provides, and through partners. */
const JOINS = {
  none: '',
  provided: 'partner { name }',
  partners: 'partner { name country }',
} as const;
type Join = keyof typeof JOINS;
const JOINS_RUN = (process.env.BENCH_FANOUT_JOINS ?? 'none,provided').split(',') as Join[];

const subscription = (join: Join) => `subscription DealFanout($distributorId: ID) {
  dealUpdated(distributorId: $distributorId) { id kind deal { id status ${JOINS[join]} } }
}`;

interface DealUpdated {
  dealUpdated: { id: string; kind: string; deal: { id: string; status: string; partner?: { name: string } | null } };
}

/** One mutation whose event every subscriber should receive, and when each did. */
class Expected {
  committedAt = Number.NaN;
  roundTripMs = Number.NaN;
  readonly receivedAt: Float64Array;
  count = 0;
  private done?: () => void;

  constructor(subscribers: number) {
    this.receivedAt = new Float64Array(subscribers).fill(Number.NaN);
  }

  receive(subscriber: number, at: number): boolean {
    if (!Number.isNaN(this.receivedAt[subscriber]!)) return false;
    this.receivedAt[subscriber] = at;
    this.count += 1;
    if (this.count === this.receivedAt.length) this.done?.();
    return true;
  }

  /** Resolves once every subscriber has the event, or after `timeoutMs`. */
  all(timeoutMs: number): Promise<void> {
    if (this.count === this.receivedAt.length) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      this.done = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}

interface PhaseFigures {
  rounds: number;
  connections: number;
  'connect s': number;
  'setup s': number;
  events: number;
  'received/expected': string;
  'p50 ms': number;
  'p95 ms': number;
  'p99 ms': number;
  'max ms': number;
  'mutation p50 ms': number;
  'mutation max ms': number;
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

const round = (ms: number) => Math.round(ms * 10) / 10;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface PhaseResult {
  connectedMs: number;
  setupMs: number;
  latencies: number[];
  roundTrips: number[];
  expected: number;
  anomalies: string[];
}

async function phase(bench: DealsBench, subscribers: number, join: Join): Promise<PhaseResult> {
  const anomalies: string[] = [];
  const register = async (customer: string) => {
    const result = await bench.post<{ registerDeal: { id: string } }>(REGISTER_DEAL, { input: registerDealInput(bench.partnerId, bench.distributorId, customer) });
    if (!result.data?.registerDeal) throw new Error(`registerDeal failed: ${JSON.stringify(result.errors)}`);
    return result.data.registerDeal.id;
  };
  const runId = `${subscribers}-${join}-${Date.now().toString(36)}`;

  // Registered before anyone subscribes, so only the measured approve/won events reach them.
  const dealIds: string[] = [];
  for (let i = 0; i < SEQUENCES; i += 1) dealIds.push(await register(`Fanout ${runId} deal ${i}`));

  const expected = new Map<string, Expected>();
  const probes = new Set<string>();
  const probed = new Uint8Array(subscribers);
  let probedCount = 0;
  let lastProbeEventAt = 0;
  let unexpected = 0;
  let duplicates = 0;
  let withoutPartnerName = 0;
  let errors = 0;
  const onEvent = (subscriber: number, result: { data?: DealUpdated | null; errors?: unknown }) => {
    const at = performance.now();
    const event = result.data?.dealUpdated;
    if (!event || result.errors) {
      errors += 1;
      return;
    }
    if (join !== 'none' && !event.deal.partner?.name) withoutPartnerName += 1;
    if (probes.has(event.deal.id)) {
      lastProbeEventAt = at;
      if (!probed[subscriber]) {
        probed[subscriber] = 1;
        probedCount += 1;
      }
      return;
    }
    const target = expected.get(`${event.deal.id}:${event.kind}`);
    if (!target) unexpected += 1;
    else if (!target.receive(subscriber, at)) duplicates += 1;
  };

  const token = await bench.token({ sub: 'bench@distributor', role: 'distributor', distributorId: bench.distributorId });
  const wsUrl = bench.urls.gatewayUrl.replace(/^http/, 'ws');
  const clients: Client[] = [];
  const unsubscribes: (() => void)[] = [];
  const started = performance.now();
  try {
    const connections = Math.ceil(subscribers / PER_CONNECTION);
    for (let first = 0; first < connections; first += CONNECT_BATCH) {
      const batch = Array.from({ length: Math.min(CONNECT_BATCH, connections - first) }, () =>
        new Promise<Client>((resolve, reject) => {
          const client: Client = createClient({
            url: wsUrl,
            webSocketImpl: WebSocket,
            connectionParams: { Authorization: `Bearer ${token}` },
            lazy: false,
            retryAttempts: 0,
            onNonLazyError: reject,
            on: { connected: () => resolve(client) },
          });
        }),
      );
      clients.push(...(await Promise.all(batch)));
    }
    const connectedMs = performance.now() - started;
    for (let subscriber = 0; subscriber < subscribers; subscriber += 1) {
      const client = clients[Math.floor(subscriber / PER_CONNECTION)]!;
      unsubscribes.push(
        client.subscribe<DealUpdated>(
          { query: subscription(join), variables: { distributorId: bench.distributorId } },
          { next: (result) => onEvent(subscriber, result), error: () => (errors += 1), complete: () => undefined },
        ),
      );
    }

    // graphql-ws does not acknowledge a subscribe: a subscriber counts as established once it
    // has received a probe event. Another probe goes out only when deliveries have stalled (late
    // subscribes miss earlier probes); piling probes up would only queue fan-out work.
    for (let probe = 0; probedCount < subscribers; probe += 1) {
      probes.add(await register(`Fanout ${runId} probe ${probe}`));
      const issuedAt = performance.now();
      while (probedCount < subscribers && performance.now() - Math.max(issuedAt, lastProbeEventAt) < STALL_MS) {
        if (performance.now() - started > SETUP_BUDGET_MS) throw new Error(`only ${probedCount} of ${subscribers} subscriptions established after ${SETUP_BUDGET_MS / 1000}s`);
        await sleep(20);
      }
    }
    const setupMs = performance.now() - started;
    // Probes still fanning out to subscribers that already had one would compete with the first
    // measured event: wait until they have gone quiet.
    while (performance.now() - lastProbeEventAt < QUIET_MS) await sleep(20);

    const today = new Date().toISOString().slice(0, 10);
    const phaseStarted = performance.now();
    const mutationsRun: Expected[] = [];
    outer: for (const id of dealIds) {
      for (const [kind, mutation] of [
        ['APPROVED', `mutation { approveDeal(id: "${id}") { status } }`],
        ['WON', `mutation { markDealWon(id: "${id}", closedAt: "${today}") { status } }`],
      ] as const) {
        if (performance.now() - phaseStarted > PHASE_BUDGET_MS) {
          anomalies.push(`stopped after ${mutationsRun.length} mutations: the ${PHASE_BUDGET_MS / 1000}s budget ran out`);
          break outer;
        }
        const target = new Expected(subscribers);
        expected.set(`${id}:${kind}`, target);
        const sentAt = performance.now();
        const result = await bench.post<Record<string, { status: string }>>(mutation);
        target.committedAt = performance.now();
        target.roundTripMs = target.committedAt - sentAt;
        if (result.errors) throw new Error(`${kind} mutation failed: ${JSON.stringify(result.errors)}`);
        mutationsRun.push(target);
        await target.all(DELIVERY_TIMEOUT_MS);
        await sleep(GAP_MS);
      }
    }

    const latencies = mutationsRun.flatMap((m) => Array.from(m.receivedAt, (at) => at - m.committedAt).filter((ms) => !Number.isNaN(ms)));
    const expectedCount = mutationsRun.length * subscribers;
    const early = latencies.filter((ms) => ms < 0).length;
    if (early > 0) anomalies.push(`${early} events arrived before their mutation's response (negative latency, counted as is)`);
    if (latencies.length < expectedCount) anomalies.push(`${expectedCount - latencies.length} events lost (not received by the end of the phase)`);
    if (duplicates) anomalies.push(`${duplicates} duplicate deliveries`);
    if (unexpected) anomalies.push(`${unexpected} events for deals or kinds not mutated in this phase`);
    if (withoutPartnerName) anomalies.push(`${withoutPartnerName} events without the joined partner name`);
    if (errors) anomalies.push(`${errors} subscription errors`);
    return { connectedMs, setupMs, latencies, roundTrips: mutationsRun.map((m) => m.roundTripMs), expected: expectedCount, anomalies };
  } finally {
    for (const unsubscribe of unsubscribes) unsubscribe();
    await Promise.all(clients.map((client) => client.dispose()));
  }
}

/** The figures of one subscriber count and join over every round. */
function figures(results: readonly PhaseResult[], connections: number): PhaseFigures {
  const latencies = results.flatMap((r) => r.latencies).sort((a, b) => a - b);
  const roundTrips = results.flatMap((r) => r.roundTrips).sort((a, b) => a - b);
  const expected = results.reduce((sum, r) => sum + r.expected, 0);
  const mean = (values: number[]) => values.reduce((sum, v) => sum + v, 0) / Math.max(1, values.length);
  return {
    rounds: results.length,
    connections,
    'connect s': round(mean(results.map((r) => r.connectedMs)) / 1000),
    'setup s': round(mean(results.map((r) => r.setupMs)) / 1000),
    events: roundTrips.length,
    'received/expected': `${latencies.length}/${expected} (${((100 * latencies.length) / Math.max(1, expected)).toFixed(1)}%)`,
    'p50 ms': round(percentile(latencies, 50)),
    'p95 ms': round(percentile(latencies, 95)),
    'p99 ms': round(percentile(latencies, 99)),
    'max ms': round(latencies.at(-1) ?? Number.NaN),
    'mutation p50 ms': round(percentile(roundTrips, 50)),
    'mutation max ms': round(roundTrips.at(-1) ?? Number.NaN),
  };
}

export async function benchDealFanout(): Promise<void> {
  const bench = await startDealsBench('bench_fanout');
  try {
    const results = new Map<string, { subscribers: number; runs: PhaseResult[] }>();
    const notes: string[] = [];
    const key = (subscribers: number, join: Join) => `${subscribers} subscribers, join ${join}`;
    for (let r = 0; r < ROUNDS; r += 1) {
      // Alternate which join goes first, so neither always runs on a warmer hub.
      const joins = r % 2 === 0 ? JOINS_RUN : [...JOINS_RUN].reverse();
      for (const subscribers of SUBSCRIBER_COUNTS) {
        for (const join of joins) {
          const result = await phase(bench, subscribers, join);
          const runs = results.get(key(subscribers, join))?.runs ?? [];
          results.set(key(subscribers, join), { subscribers, runs: [...runs, result] });
          for (const anomaly of result.anomalies) notes.push(`round ${r + 1}, ${key(subscribers, join)}: ${anomaly}`);
        }
      }
    }
    const rows = Object.fromEntries([...results].map(([name, { subscribers, runs }]) => [name, figures(runs, Math.ceil(subscribers / PER_CONNECTION))]));

    console.log(`\ndealUpdated fan-out through the gateway (graphql-ws, deal { id status } with each join) on MariaDB`);
    console.log(
      `joins: ${JOINS_RUN.map((join) => `${join} = ${JOINS[join] || '(nothing)'}`).join('; ')}. ` +
        `${PER_CONNECTION} subscription(s) per WebSocket connection; ${ROUNDS} rounds of ${SEQUENCES} deals × approveDeal + markDealWon per row, each sent once the ` +
        `previous event reached every subscriber (or ${DELIVERY_TIMEOUT_MS / 1000}s) plus ${GAP_MS}ms; latency = event arrival − mutation response; ` +
        `setup = connect + subscribe until every subscriber got a probe event; node ${process.version}, ${cpus().length} cores`,
    );
    console.table(rows);
    for (const note of notes) console.log(`note: ${note}`);
    const p99 = (subscribers: number, join: Join) => rows[key(subscribers, join)]?.['p99 ms'] ?? Number.NaN;
    for (const subscribers of SUBSCRIBER_COUNTS) {
      for (const join of JOINS_RUN.filter((j) => j !== 'none')) {
        if (!JOINS_RUN.includes('none')) continue;
        const ratio = p99(subscribers, join) / p99(subscribers, 'none');
        console.log(`${subscribers} subscribers: p99 with join ${join} ${p99(subscribers, join)} ms / without ${p99(subscribers, 'none')} ms = ${ratio.toFixed(2)}x`);
      }
    }
    const [few, many] = SUBSCRIBER_COUNTS;
    if (few !== undefined && many !== undefined && SUBSCRIBER_COUNTS.length === 2) {
      for (const join of JOINS_RUN) console.log(`join ${join}: p99 at ${many} / ${few} subscribers = ${(p99(many, join) / p99(few, join)).toFixed(2)}x`);
    }
  } finally {
    await bench.stop();
  }
}
