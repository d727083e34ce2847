import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry, type Metric } from 'prom-client';

/** Seconds; from a fast DataLoader-batched read to a statements run cut by the gateway's timeout. */
export const OPERATION_DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** How many distinct operation names a registry keeps as labels; later names count as `other`. */
export const DEFAULT_MAX_OPERATION_NAMES = 200;
/** A scrape-time collect that takes longer is dropped for that scrape (its gauge shows no samples, or NaN without labels). */
export const DEFAULT_COLLECT_TIMEOUT_MS = 2_000;

const MAX_LABEL_LENGTH = 100;

/**
 * Operation names are chosen by clients, so as labels they are unbounded: the first `max`
 * distinct ones are kept and every later one is `other`, which keeps the number of series (and
 * the memory of this process and of Prometheus) bounded whatever clients send.
 */
export class BoundedLabels {
  private readonly seen = new Set<string>();

  constructor(
    private readonly max: number,
    private readonly overflow = 'other',
  ) {}

  label(value: string): string {
    if (this.seen.has(value)) return value;
    if (this.seen.size >= this.max) return this.overflow;
    this.seen.add(value);
    return value;
  }
}

/**
 * The operation-name label: `anonymous` for an unnamed operation, never longer than 100
 * characters. The name comes from the client's request, before any validation, so anything
 * that is not a string (an object, a number) counts as unnamed.
 */
export function operationLabel(names: BoundedLabels, operationName: unknown): string {
  if (typeof operationName !== 'string' || operationName === '') return 'anonymous';
  return names.label(operationName.slice(0, MAX_LABEL_LENGTH));
}

/** Seconds; from a one-page job to a statements run over every partner of a large program. */
export const JOB_DURATION_BUCKETS = [0.1, 0.5, 1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600];

/**
 * `hub_job_duration_seconds` by kind and outcome, for a subgraph that runs jobs: its JobRunner
 * records into it (`durations`), its server shows it (`instruments`). Registered nowhere until
 * then, so each subgraph of the embedded hub has its own.
 */
export function createJobDurations(): Histogram<'kind' | 'outcome'> {
  return new Histogram({
    name: 'hub_job_duration_seconds',
    help: 'How long jobs ran from their first start to their end, by kind and outcome (succeeded, failed).',
    labelNames: ['kind', 'outcome'] as const,
    buckets: JOB_DURATION_BUCKETS,
    registers: [],
  });
}

/** One sample of a scrape-time gauge. */
export interface GaugeSample {
  labels?: Record<string, string>;
  value: number;
}

/**
 * A gauge whose samples are read when Prometheus scrapes (a count in the database, say). Its
 * `collect` must be cheap — one indexed SQL query — because every scrape runs it.
 */
export interface MetricsCollector {
  /** Full metric name, e.g. `hub_outbox_backlog`. */
  name: string;
  help: string;
  labelNames?: readonly string[];
  collect(): Promise<readonly GaugeSample[]>;
}

export interface SubgraphMetricsOptions {
  subgraph: string;
  collectors?: readonly MetricsCollector[];
  /** Metrics the subgraph's own code records (job durations), shown beside the rest. */
  instruments?: readonly Metric[];
  maxOperationNames?: number;
  collectTimeoutMs?: number;
  /** Node's process metrics (CPU, memory, event loop lag, GC); default on. */
  defaultMetrics?: boolean;
}

export interface SubgraphMetrics {
  registry: Registry;
  /** Counts and times every GraphQL operation Apollo runs. */
  plugin: ApolloServerPlugin<BaseContext>;
  /** A request refused before Apollo saw it (bad signature, too large, too deep). */
  refused(code: string): void;
  /** The Prometheus text exposition and its content type. */
  scrape(): Promise<{ contentType: string; body: string }>;
}

/** Rejects when `promise` takes longer than `ms`; the work itself is not cancelled. */
function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * One registry per subgraph server (never prom-client's global one): in the embedded mode four
 * subgraphs run in one process, and each serves its own series on its own /metrics, all
 * labelled with its name.
 */
export function createSubgraphMetrics(options: SubgraphMetricsOptions): SubgraphMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ subgraph: options.subgraph });
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });
  const names = new BoundedLabels(options.maxOperationNames ?? DEFAULT_MAX_OPERATION_NAMES);
  const timeoutMs = options.collectTimeoutMs ?? DEFAULT_COLLECT_TIMEOUT_MS;

  const requests = new Counter({
    name: 'hub_subgraph_operations_total',
    help: 'GraphQL operations the subgraph executed, by operation name and type.',
    labelNames: ['operation', 'type'] as const,
    registers: [registry],
  });
  const errors = new Counter({
    name: 'hub_subgraph_operation_errors_total',
    help: 'Errors in GraphQL responses, by operation name and error code (one per error).',
    labelNames: ['operation', 'code'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'hub_subgraph_operation_duration_seconds',
    help: 'Time from receiving a GraphQL operation to sending its response.',
    labelNames: ['operation'] as const,
    buckets: OPERATION_DURATION_BUCKETS,
    registers: [registry],
  });
  const refusals = new Counter({
    name: 'hub_subgraph_refused_requests_total',
    help: 'Requests refused before execution (unsigned, replayed, too large, too deep), by code.',
    labelNames: ['code'] as const,
    registers: [registry],
  });
  const collectFailures = new Counter({
    name: 'hub_metrics_collect_failures_total',
    help: 'Scrape-time collects that failed or timed out, by metric.',
    labelNames: ['metric'] as const,
    registers: [registry],
  });

  for (const instrument of options.instruments ?? []) registry.registerMetric(instrument);

  for (const collector of options.collectors ?? []) {
    // A scrape that starts while the previous one's query still runs shares it instead of
    // stacking another query on a database that is already slow.
    let pending: Promise<readonly GaugeSample[]> | undefined;
    new Gauge({
      name: collector.name,
      help: collector.help,
      labelNames: collector.labelNames ?? [],
      registers: [registry],
      async collect() {
        this.reset();
        pending ??= withTimeout(collector.collect(), timeoutMs, collector.name).finally(() => (pending = undefined));
        try {
          for (const sample of await pending) {
            if (sample.labels) this.set(sample.labels, sample.value);
            else this.set(sample.value);
          }
        } catch (error) {
          // A gauge without labels always shows a value; NaN says "unknown" where 0 would say "nothing waits".
          if ((collector.labelNames ?? []).length === 0) this.set(Number.NaN);
          collectFailures.inc({ metric: collector.name });
          console.error(`[${options.subgraph}] metrics: ${collector.name}:`, (error as Error).message);
        }
      },
    });
  }

  const plugin: ApolloServerPlugin<BaseContext> = {
    async requestDidStart() {
      const started = performance.now();
      return {
        async willSendResponse({ request, operation, operationName, response }) {
          const name = operationLabel(names, operationName ?? request.operationName);
          requests.inc({ operation: name, type: operation?.operation ?? 'unknown' });
          duration.observe({ operation: name }, (performance.now() - started) / 1000);
          // The formatted errors: the codes the caller received (domain codes, masked internals).
          const sent = response.body.kind === 'single' ? response.body.singleResult.errors : response.body.initialResult.errors;
          for (const error of sent ?? []) {
            const code = typeof error.extensions?.code === 'string' ? error.extensions.code : 'INTERNAL_SERVER_ERROR';
            errors.inc({ operation: name, code: code.slice(0, MAX_LABEL_LENGTH) });
          }
        },
      };
    },
  };

  return {
    registry,
    plugin,
    refused: (code) => refusals.inc({ code }),
    scrape: async () => ({ contentType: registry.contentType, body: await registry.metrics() }),
  };
}
