import { startTracing, tracingConfigured, type Tracing, type TracingOptions } from './tracing';

/** Probes and scrapes: every few seconds, never part of a request anyone follows. */
const UNTRACED_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

/**
 * A subgraph's traces (when `OTEL_EXPORTER_OTLP_ENDPOINT` is set, see tracing.ts): each HTTP
 * request the subgraph serves is a span continuing the caller's trace from its `traceparent`
 * (the gateway's fetch of this subgraph), each mysql2 query a child of the request it runs for,
 * each outgoing HTTP call (webhooks) a client span. Called first in the subgraph's main, before
 * its database opens: mysql2 is patched when TypeORM first loads it.
 */
export async function startSubgraphTracing(subgraph: string, options: Pick<TracingOptions, 'spanProcessors' | 'env'> = {}): Promise<Tracing | undefined> {
  if (!options.spanProcessors && !tracingConfigured(options.env)) return undefined;
  const [{ HttpInstrumentation }, { MySQL2Instrumentation }] = await Promise.all([
    import('@opentelemetry/instrumentation-http'),
    import('@opentelemetry/instrumentation-mysql2'),
  ]);
  return startTracing({
    serviceName: `hub-${subgraph}`,
    instrumentations: [
      new HttpInstrumentation({ ignoreIncomingRequestHook: (req) => UNTRACED_PATHS.has(new URL(req.url ?? '/', 'http://subgraph').pathname) }),
      // The statement's literals become `?`: a trace never carries the caller's data or a secret.
      new MySQL2Instrumentation({ maskStatement: true }),
    ],
    ...options,
  });
}
