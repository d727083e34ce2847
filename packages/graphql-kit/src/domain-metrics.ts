import type { GaugeSample, MetricsCollector } from './metrics';

/** What the collectors need of a TypeORM DataSource (structural, so this package needs no typeorm). */
export interface SqlRunner {
  query(sql: string, parameters?: unknown[]): Promise<unknown>;
}

type Row = Record<string, unknown>;

/**
 * Several gauges read from one query: the calls made while it runs (one scrape asks every gauge
 * at once) share it, and the next scrape queries again.
 */
function sharedQuery(run: () => Promise<Row[]>): () => Promise<Row[]> {
  let pending: Promise<Row[]> | undefined;
  return () => (pending ??= run().finally(() => (pending = undefined)));
}

const rowsOf = async (db: SqlRunner, sql: string): Promise<Row[]> => (await db.query(sql)) as Row[];

/** COUNT(*) comes back as a number, a bigint or a string depending on the driver. */
const count = (value: unknown): number => Number(value ?? 0);

/**
 * A datetime column as the driver returns it: a Date from mysql2 (the pool reads UTC), the
 * stored UTC text `YYYY-MM-DD HH:MM:SS.mmm` from SQLite.
 */
export function utcDate(value: unknown): Date | undefined {
  if (value instanceof Date) return value;
  if (typeof value !== 'string' || value === '') return undefined;
  const parsed = new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(value) ? value : `${value.replace(' ', 'T')}Z`);
  return Number.isNaN(parsed.getTime()) ? undefined : parsed;
}

const ageSeconds = (oldest: unknown, now: Date): number => {
  const at = utcDate(oldest);
  return at ? Math.max(0, (now.getTime() - at.getTime()) / 1000) : 0;
};

/**
 * The outbox's unpublished rows and how long the oldest has waited: one query on the
 * (publishedAt, id) index the relay reads. A growing age means the relay or the bus is stuck.
 */
export function outboxCollectors(db: SqlRunner, now: () => Date = () => new Date()): MetricsCollector[] {
  const read = sharedQuery(() => rowsOf(db, 'SELECT COUNT(*) AS backlog, MIN(occurredAt) AS oldest FROM outbox WHERE publishedAt IS NULL'));
  return [
    {
      name: 'hub_outbox_backlog',
      help: 'Outbox rows not yet published to the bus.',
      collect: async () => [{ value: count((await read())[0]?.backlog) }],
    },
    {
      name: 'hub_outbox_oldest_unpublished_age_seconds',
      help: 'How long the oldest unpublished outbox row has waited; 0 when none waits.',
      collect: async () => [{ value: ageSeconds((await read())[0]?.oldest, now()) }],
    },
  ];
}

/** Parked events still waiting for a retry, per consumer group. */
export function parkedEventsCollector(db: SqlRunner): MetricsCollector {
  return {
    name: 'hub_parked_events',
    help: 'Events a consumer parked and no retry has applied yet, by consumer.',
    labelNames: ['consumer'],
    collect: async () =>
      (await rowsOf(db, 'SELECT consumer, COUNT(*) AS n FROM parked_event WHERE retriedAt IS NULL GROUP BY consumer')).map(
        (row): GaugeSample => ({ labels: { consumer: String(row.consumer) }, value: count(row.n) }),
      ),
  };
}

/** Deals' webhook deliveries by status (PENDING, DELIVERED, FAILED…), read from the (status, nextAttemptAt) index. */
export function webhookDeliveriesCollector(db: SqlRunner): MetricsCollector {
  return {
    name: 'hub_webhook_deliveries',
    help: 'Webhook deliveries by status.',
    labelNames: ['status'],
    collect: async () =>
      (await rowsOf(db, 'SELECT status, COUNT(*) AS n FROM webhook_delivery GROUP BY status')).map(
        (row): GaugeSample => ({ labels: { status: String(row.status) }, value: count(row.n) }),
      ),
  };
}

/**
 * Jobs (statements runs, usage months) queued or running, by kind and status, and how long the
 * longest-running one has run: one query on the (status, leaseUntil) index, finished jobs unread.
 */
export function jobsCollectors(db: SqlRunner, now: () => Date = () => new Date()): MetricsCollector[] {
  const read = sharedQuery(() =>
    rowsOf(db, "SELECT kind, status, COUNT(*) AS n, MIN(startedAt) AS oldest FROM job WHERE status IN ('QUEUED', 'RUNNING') GROUP BY kind, status"),
  );
  return [
    {
      name: 'hub_jobs_active',
      help: 'Jobs queued or running, by kind and status.',
      labelNames: ['kind', 'status'],
      collect: async () => (await read()).map((row): GaugeSample => ({ labels: { kind: String(row.kind), status: String(row.status) }, value: count(row.n) })),
    },
    {
      name: 'hub_job_longest_running_seconds',
      help: 'How long the longest-running job of each kind has run.',
      labelNames: ['kind'],
      collect: async () =>
        (await read())
          .filter((row) => row.status === 'RUNNING')
          .map((row): GaugeSample => ({ labels: { kind: String(row.kind) }, value: ageSeconds(row.oldest, now()) })),
    },
  ];
}

/** What the lag collectors need of an event bus (structural: this package does not depend on @hub/events). */
export interface LagSource {
  groupLag(): Promise<readonly { group: string; lag: number; pending: number }[]>;
}

/**
 * How far behind each of this subgraph's consumer groups is on the bus (`XINFO GROUPS` on Redis):
 * events retained but not yet read, and events read but not yet acknowledged. Every subgraph
 * reads the same stream, so each reports only its own groups (`<subgraph>.<consumer>`).
 */
export function consumerLagCollectors(bus: LagSource, subgraph: string): MetricsCollector[] {
  let pending: Promise<readonly { group: string; lag: number; pending: number }[]> | undefined;
  const read = () => (pending ??= bus.groupLag().then((groups) => groups.filter((g) => g.group.startsWith(`${subgraph}.`))).finally(() => (pending = undefined)));
  return [
    {
      name: 'hub_consumer_lag',
      help: 'Events on the bus a consumer group has not read yet (NaN when the bus cannot count them).',
      labelNames: ['group'],
      collect: async () => (await read()).map((g) => ({ labels: { group: g.group }, value: g.lag })),
    },
    {
      name: 'hub_consumer_pending',
      help: 'Events a consumer group has read but not yet acknowledged (in hand, or waiting for a retry).',
      labelNames: ['group'],
      collect: async () => (await read()).map((g) => ({ labels: { group: g.group }, value: g.pending })),
    },
  ];
}
