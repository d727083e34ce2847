import { useUpstreamTimeout, type GatewayPlugin } from '@graphql-hive/gateway-runtime';
import type { Logger } from '@graphql-hive/logger';
import { GraphQLError, type ExecutionResult } from 'graphql';

/** Why a subgraph could not answer: its connection failed, it took too long, it answered something that is not GraphQL, or the breaker is open. */
export type UnavailableReason = 'UNREACHABLE' | 'TIMEOUT' | 'BAD_RESPONSE' | 'CIRCUIT_OPEN';

export interface UpstreamResilience {
  /** How long a query or mutation may wait for a subgraph (SUBGRAPH_TIMEOUT_MS). */
  timeoutMs: number;
  /** Per-subgraph overrides of `timeoutMs` (SUBGRAPH_TIMEOUTS=licenses=3000,...). */
  timeouts: Readonly<Record<string, number>>;
  /** Consecutive failures after which a subgraph is failed fast (0: no breaker). */
  breakerFailures: number;
  /** How long it is failed fast before one request is let through to try it again. */
  breakerCoolDownMs: number;
  /** A failure kind of a subgraph is logged once per interval, with how many happened. */
  logIntervalMs: number;
}

export const DEFAULT_UPSTREAM_RESILIENCE: UpstreamResilience = {
  // A healthy portal page never meets it (its slowest subgraph fetch is well under a second).
  timeoutMs: 10_000,
  timeouts: {},
  breakerFailures: 5,
  breakerCoolDownMs: 5_000,
  logIntervalMs: 10_000,
};

export const SUBGRAPH_UNAVAILABLE = 'SUBGRAPH_UNAVAILABLE';

/** What a client sees on the path a subgraph could not serve: which part, and that a retry may help; never where it runs. */
export function subgraphUnavailable(subgraph: string, reason: UnavailableReason): GraphQLError {
  return new GraphQLError(`The ${subgraph} service is unavailable; retry shortly.`, {
    extensions: { code: SUBGRAPH_UNAVAILABLE, subgraph, retryable: true, reason },
  });
}

// Codes the HTTP executor and the timeout plugin give their own failures (never a subgraph's).
const TRANSPORT_CODES: Record<string, UnavailableReason> = {
  TIMEOUT_ERROR: 'TIMEOUT',
  GATEWAY_TIMEOUT: 'TIMEOUT',
  RESPONSE_VALIDATION_FAILED: 'BAD_RESPONSE',
};

/**
 * A subgraph's own errors arrive parsed from its JSON answer, without an original error. The
 * HTTP executor's errors for a fetch that failed (refused, reset, aborted by the timeout, an
 * answer that is not GraphQL) carry the thrown error, or one of its codes: those say the
 * subgraph could not be reached, and their message names its address.
 */
export function transportFailure(error: unknown): UnavailableReason | undefined {
  if (!(error instanceof GraphQLError)) return error instanceof Error ? (error.name === 'TimeoutError' ? 'TIMEOUT' : 'UNREACHABLE') : undefined;
  const code = error.extensions?.code;
  if (typeof code === 'string' && code in TRANSPORT_CODES) return TRANSPORT_CODES[code];
  if (error.originalError && !(error.originalError instanceof GraphQLError)) {
    return error.originalError.name === 'TimeoutError' ? 'TIMEOUT' : 'UNREACHABLE';
  }
  return undefined;
}

/**
 * A subgraph that keeps failing is failed fast for a cool-down instead of being sent every
 * request (and making each caller wait for its timeout); then one request tries it, and its
 * outcome closes or reopens the breaker. Hive Gateway 2.12 has no breaker for subgraphs (its
 * CircuitBreakerConfiguration guards the schema CDN), and this one counts only transport
 * failures, which are results here, not thrown errors: a few lines of our own.
 */
export class CircuitBreaker {
  private failures = 0;
  private openUntil = 0;
  private probing = false;

  constructor(
    private readonly threshold: number,
    private readonly coolDownMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Whether a request may go to the subgraph now (while half-open, only the one probe). */
  allows(): boolean {
    if (this.threshold <= 0 || this.failures < this.threshold) return true;
    if (this.now() < this.openUntil || this.probing) return false;
    this.probing = true;
    return true;
  }

  succeeded(): void {
    this.failures = 0;
    this.probing = false;
  }

  /**
   * Counts a failure; true when it opened the breaker or a failed probe reopened it (not for
   * requests already under way when it opened, which fail too and only extend the cool-down).
   */
  failed(): boolean {
    const wasProbe = this.probing;
    const wasOpen = this.threshold > 0 && this.failures >= this.threshold;
    this.failures += 1;
    this.probing = false;
    if (this.threshold <= 0 || this.failures < this.threshold) return false;
    this.openUntil = this.now() + this.coolDownMs;
    return !wasOpen || wasProbe;
  }

  get state(): 'closed' | 'open' | 'half-open' {
    if (this.threshold <= 0 || this.failures < this.threshold) return 'closed';
    return this.now() < this.openUntil ? 'open' : 'half-open';
  }
}

/**
 * During an outage every request fails the same way; one line per subgraph and failure kind per
 * interval, with the count, says so without burying the log (the issue saw 2,300 lines in 30 s).
 */
export class FailureLog {
  private readonly pending = new Map<string, { subgraph: string; reason: string; count: number; first: boolean }>();
  private readonly loggedAt = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly log: Pick<Logger, 'warn'>,
    private readonly intervalMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  record(subgraph: string, reason: string, detail?: string): void {
    const key = `${subgraph}\u0000${reason}`;
    const last = this.loggedAt.get(key);
    if (last === undefined || this.now() - last >= this.intervalMs) {
      this.loggedAt.set(key, this.now());
      // The first of a kind at once (an operator sees the outage start); the address stays in the log.
      this.log.warn({ subgraph, reason, ...(detail ? { detail } : {}) }, `[upstream] ${subgraph} unavailable (${reason}), answered SUBGRAPH_UNAVAILABLE; repeats are counted, one line per ${this.intervalMs / 1000} s`);
      return;
    }
    const entry = this.pending.get(key) ?? { subgraph, reason, count: 0, first: false };
    entry.count += 1;
    this.pending.set(key, entry);
    this.timer ??= setTimeout(() => this.flush(), this.intervalMs - (this.now() - last)).unref();
  }

  /** Writes the counted repeats, one line per subgraph and kind. */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    for (const [key, { subgraph, reason, count }] of this.pending) {
      this.loggedAt.set(key, this.now());
      this.log.warn({ subgraph, reason, count }, `[upstream] ${subgraph} unavailable (${reason}) ${count} more times`);
    }
    this.pending.clear();
  }

  /** Notes a state change of a breaker (rare, so always logged). */
  breaker(subgraph: string, state: 'open' | 'closed'): void {
    this.log.warn({ subgraph, breaker: state }, state === 'open' ? `[upstream] ${subgraph} failed fast for a cool-down (circuit open)` : `[upstream] ${subgraph} answers again (circuit closed)`);
  }

  close(): void {
    this.flush();
  }
}

type SubgraphExecutePayload = Parameters<NonNullable<GatewayPlugin['onSubgraphExecute']>>[0];
type Executor = SubgraphExecutePayload['executor'];
type ExecutionRequest = SubgraphExecutePayload['executionRequest'];

const isSubscription = (request?: ExecutionRequest) => request?.operationType === 'subscription';

// Executors may answer with a promise-like that is no Promise (whatwg-node's fake promises).
const isThenable = (value: unknown): value is PromiseLike<unknown> => typeof (value as PromiseLike<unknown> | null)?.then === 'function';

const isAsyncIterable = (value: unknown): value is AsyncIterable<unknown> => typeof value === 'object' && value !== null && Symbol.asyncIterator in value;

export interface ResiliencePlugins {
  plugins: GatewayPlugin[];
  /** Each subgraph's breaker state, for /readyz. */
  breakerStates(): Record<string, string>;
  close(): void;
}

/**
 * Timeouts, the breaker and the mapping of a subgraph that could not answer to
 * SUBGRAPH_UNAVAILABLE on the fields it serves, so the rest of the answer survives. Hive's own
 * timeout plugin (`useUpstreamTimeout`) bounds each query and mutation fetch; subscriptions are
 * long-lived and never timed. The mapping wraps the timeout's executor, so a timed-out fetch is
 * mapped too.
 */
export function createUpstreamResilience(options: UpstreamResilience, log: Pick<Logger, 'warn'>): ResiliencePlugins {
  const failures = new FailureLog(log, options.logIntervalMs);
  const breakers = new Map<string, CircuitBreaker>();
  const breakerOf = (subgraph: string) => {
    let breaker = breakers.get(subgraph);
    if (!breaker) breakers.set(subgraph, (breaker = new CircuitBreaker(options.breakerFailures, options.breakerCoolDownMs)));
    return breaker;
  };

  const timeout = useUpstreamTimeout(({ subgraphName, executionRequest }) =>
    isSubscription(executionRequest) ? undefined : ((subgraphName ? options.timeouts[subgraphName] : undefined) ?? options.timeoutMs),
  );

  const unavailable = (subgraph: string, reason: UnavailableReason, detail?: string): ExecutionResult => {
    failures.record(subgraph, reason, detail);
    return { data: null, errors: [subgraphUnavailable(subgraph, reason)] };
  };

  const outcome = (subgraph: string, reason: UnavailableReason | undefined) => {
    const breaker = breakerOf(subgraph);
    if (reason === undefined) {
      const wasOpen = breaker.state !== 'closed';
      breaker.succeeded();
      if (wasOpen) failures.breaker(subgraph, 'closed');
    } else if (breaker.failed()) {
      failures.breaker(subgraph, 'open');
    }
  };

  const mapping: GatewayPlugin = {
    onSubgraphExecute({ subgraphName, executor, setExecutor }) {
      const settle = (result: unknown) => {
        if (isAsyncIterable(result)) return result;
        const failed = (result as ExecutionResult).errors?.map((error) => [error, transportFailure(error)] as const).find(([, reason]) => reason);
        outcome(subgraphName, failed?.[1]);
        return failed ? unavailable(subgraphName, failed[1]!, failed[0].message) : result;
      };
      const fail = (error: unknown) => {
        const reason = transportFailure(error) ?? 'UNREACHABLE';
        outcome(subgraphName, reason);
        return unavailable(subgraphName, reason, error instanceof Error ? error.message : undefined);
      };
      const guarded = (request: ExecutionRequest) => {
        if (isSubscription(request)) return executor(request);
        if (!breakerOf(subgraphName).allows()) return unavailable(subgraphName, 'CIRCUIT_OPEN');
        // The executor must start in this tick: the runtime keeps the request on the shared
        // resolve info, which the next subgraph's fetch overwrites (the JS planner then signed
        // one subgraph's request for another).
        let result: ReturnType<Executor>;
        try {
          result = executor(request);
        } catch (error) {
          return fail(error);
        }
        return isThenable(result) ? Promise.resolve(result).then(settle, fail) : settle(result);
      };
      setExecutor(guarded as Executor);
    },
  };

  return {
    plugins: [timeout as GatewayPlugin, mapping],
    breakerStates: () => Object.fromEntries([...breakers].map(([name, breaker]) => [name, breaker.state])),
    close: () => failures.close(),
  };
}
