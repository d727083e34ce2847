import { createRequire, syncBuiltinESMExports } from 'node:module';
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
  const tracing = await startTracing({
    serviceName: `hub-${subgraph}`,
    instrumentations: [
      new HttpInstrumentation({ ignoreIncomingRequestHook: (req) => UNTRACED_PATHS.has(new URL(req.url ?? '/', 'http://subgraph').pathname) }),
      // The statement's literals become `?`: a trace never carries the caller's data or a secret.
      new MySQL2Instrumentation({ maskStatement: true }),
    ],
    ...options,
  });
  // The instrumentations patch modules as they are required; this process's code imports
  // node:http as ESM (no require to hook), so it is required here, once patched, and ESM's
  // named bindings (`import { request } from 'node:http'`) are brought in line with the patch.
  const require = createRequire(import.meta.url);
  require('node:http');
  require('node:https');
  syncBuiltinESMExports();
  return tracing;
}
