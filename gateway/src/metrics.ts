import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { getOperationAST, type ExecutionResult } from 'graphql';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import { BoundedLabels, DEFAULT_MAX_OPERATION_NAMES, OPERATION_DURATION_BUCKETS, operationLabel } from '@hub/graphql-kit/metrics';

/** What one HTTP request to the gateway is known to be so far. */
interface RequestState {
  started: number;
  operation?: string;
  type?: string;
}

export interface GatewayMetrics {
  registry: Registry;
  plugin: GatewayPlugin;
  /** A request the gateway's own edge refused before GraphQL (401, 411, 413, 429), by code. */
  refused(code: string): void;
  scrape(): Promise<{ contentType: string; body: string }>;
}

const MAX_CODE_LENGTH = 100;

function errorsOf(result: unknown): readonly { extensions?: Record<string, unknown> }[] {
  if (Array.isArray(result)) return result.flatMap(errorsOf);
  if (typeof result === 'object' && result !== null && 'errors' in result) return (result as ExecutionResult).errors ?? [];
  return [];
}

/**
 * The gateway's own registry (not prom-client's global one: the embedded hub runs its
 * subgraphs in the same process, each with its own). Operations are counted and timed per
 * caller's operation name, from the request's arrival to its response; subgraph fetches per
 * subgraph and HTTP status. Subscriptions count once, when they start; their events are not timed.
 */
export function createGatewayMetrics(options: { maxOperationNames?: number; defaultMetrics?: boolean } = {}): GatewayMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ service: 'gateway' });
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });
  const names = new BoundedLabels(options.maxOperationNames ?? DEFAULT_MAX_OPERATION_NAMES);

  const operations = new Counter({
    name: 'hub_gateway_operations_total',
    help: 'GraphQL requests answered over HTTP, by operation name, type and HTTP status.',
    labelNames: ['operation', 'type', 'status'] as const,
    registers: [registry],
  });
  const errors = new Counter({
    name: 'hub_gateway_operation_errors_total',
    help: 'Errors in GraphQL responses, by operation name and error code (one per error).',
    labelNames: ['operation', 'code'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'hub_gateway_operation_duration_seconds',
    help: 'Time from a GraphQL request reaching the gateway to its response being ready.',
    labelNames: ['operation'] as const,
    buckets: OPERATION_DURATION_BUCKETS,
    registers: [registry],
  });
  const fetches = new Histogram({
    name: 'hub_gateway_subgraph_fetch_duration_seconds',
    help: 'Time of each HTTP request the gateway sent to a subgraph, by subgraph and HTTP status.',
    labelNames: ['subgraph', 'status'] as const,
    buckets: OPERATION_DURATION_BUCKETS,
    registers: [registry],
  });
  const refusals = new Counter({
    name: 'hub_gateway_refused_requests_total',
    help: 'Requests the gateway refused before GraphQL (unauthenticated, rate limited, body too large), by code.',
    labelNames: ['code'] as const,
    registers: [registry],
  });

  const requests = new WeakMap<Request, RequestState>();
  const named = (args: { document: Parameters<typeof getOperationAST>[0]; operationName?: string | null; contextValue: unknown }) => {
    const request = (args.contextValue as { request?: Request } | undefined)?.request;
    const state = request && requests.get(request);
    if (!state) return;
    const operation = getOperationAST(args.document, args.operationName);
    // Several operations and no name to choose: keep the name the client sent.
    if (!operation) return;
    state.operation = operationLabel(names, operation?.name?.value);
    state.type = operation?.operation;
  };

  const plugin: GatewayPlugin = {
    onRequest({ request }) {
      requests.set(request, { started: performance.now() });
    },
    onParams({ request, params }) {
      // Until the document is parsed (it may never be: too deep, too costly), the name the client sent.
      const state = requests.get(request);
      if (state) state.operation = operationLabel(names, params.operationName);
    },
    // Named from the parsed document as soon as it validates, so a request refused by validation
    // or by the operation limits is counted under its operation too.
    onValidate: ({ params, context }) => named({ document: params.documentAST, contextValue: context }),
    onExecute: ({ args }) => named(args),
    onSubscribe: ({ args }) => named(args),
    onResultProcess({ request, result }) {
      const operation = requests.get(request)?.operation ?? 'anonymous';
      for (const error of errorsOf(result)) {
        const code = error.extensions?.code;
        errors.inc({ operation, code: typeof code === 'string' ? code.slice(0, MAX_CODE_LENGTH) : 'INTERNAL_SERVER_ERROR' });
      }
    },
    onResponse({ request, response }) {
      const state = requests.get(request);
      if (!state) return;
      requests.delete(request);
      const operation = state.operation ?? 'anonymous';
      operations.inc({ operation, type: state.type ?? 'unknown', status: String(response.status) });
      duration.observe({ operation }, (performance.now() - state.started) / 1000);
    },
    onFetch({ executionRequest }) {
      const subgraph = executionRequest?.subgraphName;
      if (subgraph === undefined) return;
      const started = performance.now();
      return ({ response }) => {
        fetches.observe({ subgraph, status: String(response.status) }, (performance.now() - started) / 1000);
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
