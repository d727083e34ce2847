import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { REGISTER_DEAL, registerDealInput, startDealsBench, type DealsBench } from './deals.harness';

/**
 * Live deal updates fanned out to many graphql-ws subscribers through the gateway, with and
 * without the partner's name joined. Each join has its own group of subscribers: a distributor
 * following its deals of one partner, another partner per group, so an event reaches one group only.
 * The groups are connected at the same time and the mutations alternate between them, event by
 * event, so the joins share whatever else the machine is doing and their ratio is the point;
 * absolute figures depend on the machine.
 *
 * Joins: `none` (deal id and status), `provided` (`partner { name }`, which deals answers itself:
 * `@provides` on `DealEvent.deal`), `partners` (`partner { name country }`: country only the
 * partners subgraph has, so one entity fetch per subscriber and event, as every join cost before).
 *
 * Per event and subscriber: the time from the mutation's response (the commit, as the client
 * sees it) to the event's arrival. Mutations are spaced: the next starts once every subscriber
 * of its group has the previous event (or after a timeout), so each figure is one event's
 * fan-out, not a queue building up.
 */
const SUBSCRIBER_COUNTS = (process.env.BENCH_FANOUT_SUBSCRIBERS ?? '100,1000').split(',').map(Number);
const SEQUENCES = Number(process.env.BENCH_FANOUT_SEQUENCES ?? 30);
const PER_CONNECTION = Number(process.env.BENCH_FANOUT_PER_CONNECTION ?? 1);
const CONNECT_BATCH = 50;
const DELIVERY_TIMEOUT_MS = 10_000;
const STALL_MS = 1_000;
const QUIET_MS = 300;
const GAP_MS = 100;
const SETUP_BUDGET_MS = 60_000;
const PHASE_BUDGET_MS = 120_000;

const JOINS = {
  none: '',
  provided: 'partner { name }',
  partners: 'partner { name country }',
} as const;
type Join = keyof typeof JOINS;
const JOINS_RUN = (process.env.BENCH_FANOUT_JOINS ?? 'none,provided').split(',') as Join[];

const subscription = (join: Join) => `subscription DealFanout($distributorId: ID, $partnerId: ID) {
  dealUpdated(distributorId: $distributorId, partnerId: $partnerId) { id kind deal { id status ${JOINS[join]} } }
}`;

interface DealUpdated {
  dealUpdated: { id: string; kind: string; deal: { id: string; status: string; partner?: { name: string } | null } };
}

/** One mutation whose event every subscriber of a group should receive, and when each did. */
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
  connections: number;
  'setup s': number;
  events: number;
  'received/expected': string;
  'p50 ms': number;
  'p95 ms': number;
  'p99 ms': number;
  'max ms': number;
  'event p99 median ms': number;
  'mutation p50 ms': number;
  'mutation max ms': number;
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

const round = (ms: number) => Math.round(ms * 10) / 10;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The subscribers of one join: their distributor, deals, probes and what they received. */
class Group {
  readonly expected = new Map<string, Expected>();
  readonly mutationsRun: Expected[] = [];
  readonly probes = new Set<string>();
  readonly dealIds: string[] = [];
  private readonly probed: Uint8Array;
  probedCount = 0;
  lastProbeEventAt = 0;
  setupMs = Number.NaN;
  private unexpected = 0;
  private duplicates = 0;
  private withoutPartnerName = 0;
  errors = 0;
  /** The phase's time budget ran out before every mutation was sent. */
  stoppedEarly = false;

  constructor(
    readonly join: Join,
    readonly route: { partnerId: string; distributorId: string },
    readonly subscribers: number,
  ) {
    this.probed = new Uint8Array(subscribers);
  }

  onEvent(subscriber: number, result: { data?: DealUpdated | null; errors?: unknown }): void {
    const at = performance.now();
    const event = result.data?.dealUpdated;
    if (!event || result.errors) {
      this.errors += 1;
      return;
    }
    if (this.join !== 'none' && !event.deal.partner?.name) this.withoutPartnerName += 1;
    if (this.probes.has(event.deal.id)) {
      this.lastProbeEventAt = at;
      if (!this.probed[subscriber]) {
        this.probed[subscriber] = 1;
        this.probedCount += 1;
      }
      return;
    }
    const target = this.expected.get(`${event.deal.id}:${event.kind}`);
    if (!target) this.unexpected += 1;
    else if (!target.receive(subscriber, at)) this.duplicates += 1;
  }

  figures(): PhaseFigures & { anomalies: string[] } {
    const latencies = this.mutationsRun.flatMap((m) => Array.from(m.receivedAt, (at) => at - m.committedAt).filter((ms) => !Number.isNaN(ms))).sort((a, b) => a - b);
    const roundTrips = this.mutationsRun.map((m) => m.roundTripMs).sort((a, b) => a - b);
    // Each event's own p99, then the median over events: what a typical event costs, which one
    // event slowed by something else on the machine cannot move (it can move the pooled p99).
    const eventP99s = this.mutationsRun
      .map((m) => percentile(Array.from(m.receivedAt, (at) => at - m.committedAt).filter((ms) => !Number.isNaN(ms)).sort((a, b) => a - b), 99))
      .sort((a, b) => a - b);
    const expectedCount = this.mutationsRun.length * this.subscribers;
    const anomalies: string[] = [];
    if (this.stoppedEarly) anomalies.push(`stopped after ${this.mutationsRun.length} mutations: the phase's ${PHASE_BUDGET_MS / 1000}s budget ran out`);
    const early = latencies.filter((ms) => ms < 0).length;
    if (early > 0) anomalies.push(`${early} events arrived before their mutation's response (negative latency, counted as is)`);
    if (latencies.length < expectedCount) anomalies.push(`${expectedCount - latencies.length} events lost (not received by the end of the phase)`);
    if (this.duplicates) anomalies.push(`${this.duplicates} duplicate deliveries`);
    if (this.unexpected) anomalies.push(`${this.unexpected} events for deals or kinds not mutated in this phase`);
    if (this.withoutPartnerName) anomalies.push(`${this.withoutPartnerName} events without the joined partner name`);
    if (this.errors) anomalies.push(`${this.errors} subscription errors`);
    return {
      connections: Math.ceil(this.subscribers / PER_CONNECTION),
      'setup s': round(this.setupMs / 1000),
      events: this.mutationsRun.length,
      'received/expected': `${latencies.length}/${expectedCount} (${((100 * latencies.length) / Math.max(1, expectedCount)).toFixed(1)}%)`,
      'p50 ms': round(percentile(latencies, 50)),
      'p95 ms': round(percentile(latencies, 95)),
      'p99 ms': round(percentile(latencies, 99)),
      'max ms': round(latencies.at(-1) ?? Number.NaN),
      'event p99 median ms': round(percentile(eventP99s, 50)),
      'mutation p50 ms': round(percentile(roundTrips, 50)),
      'mutation max ms': round(roundTrips.at(-1) ?? Number.NaN),
      anomalies,
    };
  }
}

async function connect(bench: DealsBench, token: string, count: number): Promise<Client[]> {
  const wsUrl = bench.urls.gatewayUrl.replace(/^http/, 'ws');
  const clients: Client[] = [];
  for (let first = 0; first < count; first += CONNECT_BATCH) {
    const batch = Array.from({ length: Math.min(CONNECT_BATCH, count - first) }, () =>
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
  return clients;
}

/** `subscribers` per join, all connected at once; the joins' mutations alternate event by event. */
async function phase(bench: DealsBench, subscribers: number): Promise<Group[]> {
  if (bench.routes.length < JOINS_RUN.length) throw new Error(`${JOINS_RUN.length} joins need as many partners; the demo data has ${bench.routes.length}`);
  const groups = JOINS_RUN.map((join, g) => new Group(join, bench.routes[g]!, subscribers));
  const runId = `${subscribers}-${Date.now().toString(36)}`;
  const register = async (group: Group, customer: string) => {
    const input = registerDealInput(group.route.partnerId, group.route.distributorId, customer);
    const result = await bench.post<{ registerDeal: { id: string } }>(REGISTER_DEAL, { input });
    if (!result.data?.registerDeal) throw new Error(`registerDeal failed: ${JSON.stringify(result.errors)}`);
    return result.data.registerDeal.id;
  };

  // Registered before anyone subscribes, so only the measured approve/won events reach them.
  for (const group of groups) {
    for (let i = 0; i < SEQUENCES; i += 1) group.dealIds.push(await register(group, `Fanout ${runId} ${group.join} deal ${i}`));
  }

  const clients: Client[] = [];
  const unsubscribes: (() => void)[] = [];
  try {
    for (const group of groups) {
      const started = performance.now();
      const token = await bench.token({ sub: `bench@${group.join}`, role: 'distributor', distributorId: group.route.distributorId });
      const groupClients = await connect(bench, token, Math.ceil(subscribers / PER_CONNECTION));
      clients.push(...groupClients);
      for (let subscriber = 0; subscriber < subscribers; subscriber += 1) {
        unsubscribes.push(
          groupClients[Math.floor(subscriber / PER_CONNECTION)]!.subscribe<DealUpdated>(
            { query: subscription(group.join), variables: group.route },
            { next: (result) => group.onEvent(subscriber, result), error: () => (group.errors += 1), complete: () => undefined },
          ),
        );
      }

      // graphql-ws does not acknowledge a subscribe: a subscriber counts as established once it
      // has received a probe event. Another probe goes out only when deliveries have stalled
      // (late subscribes miss earlier probes); piling probes up would only queue fan-out work.
      for (let probe = 0; group.probedCount < subscribers; probe += 1) {
        group.probes.add(await register(group, `Fanout ${runId} ${group.join} probe ${probe}`));
        const issuedAt = performance.now();
        while (group.probedCount < subscribers && performance.now() - Math.max(issuedAt, group.lastProbeEventAt) < STALL_MS) {
          if (performance.now() - started > SETUP_BUDGET_MS) throw new Error(`only ${group.probedCount} of ${subscribers} ${group.join} subscriptions established after ${SETUP_BUDGET_MS / 1000}s`);
          await sleep(20);
        }
      }
      group.setupMs = performance.now() - started;
    }
    // Probes still fanning out would compete with the first measured event: wait until quiet.
    while (groups.some((group) => performance.now() - group.lastProbeEventAt < QUIET_MS)) await sleep(20);

    const today = new Date().toISOString().slice(0, 10);
    const phaseStarted = performance.now();
    outer: for (let i = 0; i < SEQUENCES; i += 1) {
      for (const kind of ['APPROVED', 'WON'] as const) {
        // Alternate which join goes first, so neither always follows the other.
        for (const group of i % 2 === 0 ? groups : [...groups].reverse()) {
          if (performance.now() - phaseStarted > PHASE_BUDGET_MS) {
            for (const each of groups) each.stoppedEarly = true;
            break outer;
          }
          const id = group.dealIds[i]!;
          const mutation = kind === 'APPROVED' ? `mutation { approveDeal(id: "${id}") { status } }` : `mutation { markDealWon(id: "${id}", closedAt: "${today}") { status } }`;
          const target = new Expected(subscribers);
          group.expected.set(`${id}:${kind}`, target);
          const sentAt = performance.now();
          const result = await bench.post<Record<string, { status: string }>>(mutation);
          target.committedAt = performance.now();
          target.roundTripMs = target.committedAt - sentAt;
          if (result.errors) throw new Error(`${kind} mutation failed: ${JSON.stringify(result.errors)}`);
          group.mutationsRun.push(target);
          await target.all(DELIVERY_TIMEOUT_MS);
          await sleep(GAP_MS);
        }
      }
    }
    return groups;
  } finally {
    for (const unsubscribe of unsubscribes) unsubscribe();
    await Promise.all(clients.map((client) => client.dispose()));
  }
}

export async function benchDealFanout(): Promise<void> {
  const bench = await startDealsBench('bench_fanout');
  try {
    const rows: Record<string, PhaseFigures> = {};
    const notes: string[] = [];
    const key = (subscribers: number, join: Join) => `${subscribers} subscribers, join ${join}`;
    for (const subscribers of SUBSCRIBER_COUNTS) {
      for (const group of await phase(bench, subscribers)) {
        const { anomalies, ...figures } = group.figures();
        rows[key(subscribers, group.join)] = figures;
        for (const anomaly of anomalies) notes.push(`${key(subscribers, group.join)}: ${anomaly}`);
      }
    }

    console.log(`\ndealUpdated fan-out through the gateway (graphql-ws, deal { id status } and a join) on MariaDB`);
    console.log(
      `joins: ${JOINS_RUN.map((join) => `${join} = ${JOINS[join] || '(nothing)'}`).join('; ')}; each join its own subscribers (a distributor, one partner's deals), ` +
        `all connected at once, mutations alternating between joins. ${PER_CONNECTION} subscription(s) per WebSocket connection; ${SEQUENCES} deals × ` +
        `approveDeal + markDealWon per join, each sent once the previous event reached every subscriber of its join (or ${DELIVERY_TIMEOUT_MS / 1000}s) plus ` +
        `${GAP_MS}ms; latency = event arrival − mutation response; setup = connect + subscribe until every subscriber got a probe event; ` +
        `node ${process.version}, ${cpus().length} cores`,
    );
    console.table(rows);
    for (const note of notes) console.log(`note: ${note}`);
    const p99 = (subscribers: number, join: Join) => rows[key(subscribers, join)]?.['p99 ms'] ?? Number.NaN;
    const eventP99 = (subscribers: number, join: Join) => rows[key(subscribers, join)]?.['event p99 median ms'] ?? Number.NaN;
    if (JOINS_RUN.includes('none')) {
      for (const subscribers of SUBSCRIBER_COUNTS) {
        for (const join of JOINS_RUN.filter((j) => j !== 'none')) {
          console.log(
            `${subscribers} subscribers, join ${join} / none: p99 ${p99(subscribers, join)} / ${p99(subscribers, 'none')} ms = ` +
              `${(p99(subscribers, join) / p99(subscribers, 'none')).toFixed(2)}x; median event p99 ${eventP99(subscribers, join)} / ` +
              `${eventP99(subscribers, 'none')} ms = ${(eventP99(subscribers, join) / eventP99(subscribers, 'none')).toFixed(2)}x`,
          );
        }
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
