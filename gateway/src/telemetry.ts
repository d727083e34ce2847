import type { GatewayConfigContext, GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { startTracing, tracingConfigured, type Tracing, type TracingOptions } from '@hub/graphql-kit/tracing';

export interface GatewayTracing {
  /** The Hive Gateway OpenTelemetry plugin for the runtime's plugins (given the runtime's logger and context). */
  plugin(context: GatewayConfigContext): GatewayPlugin;
  /** Exports the spans still buffered and stops tracing. */
  shutdown(): Promise<void>;
}

/**
 * The gateway's traces, off unless `OTEL_EXPORTER_OTLP_ENDPOINT` (or the traces one) is set:
 * then the OTel SDK starts (service `hub-gateway` unless `OTEL_SERVICE_NAME` says otherwise) and
 * the Hive Gateway OpenTelemetry plugin makes the spans — the HTTP request, the GraphQL
 * operation (parse, validate, execute), each subgraph's execution and its upstream fetch — and
 * sends the fetch's context to the subgraph as `traceparent`, so the subgraph's spans (and its
 * database calls) continue the same trace. Off, neither the SDK nor the plugin is loaded.
 *
 * `spanProcessors` replaces the OTLP exporter (tests); `startSdk: false` only builds the plugin,
 * for a process whose SDK another part started (the all-in-one test).
 */
export async function startGatewayTracing(
  options: Pick<TracingOptions, 'spanProcessors' | 'env'> & { startSdk?: boolean } = {},
): Promise<GatewayTracing | undefined> {
  if (!options.spanProcessors && options.startSdk !== false && !tracingConfigured(options.env)) return undefined;
  let tracing: Tracing | undefined;
  if (options.startSdk !== false) tracing = await startTracing({ serviceName: 'hub-gateway', ...options });
  const { useOpenTelemetry } = await import('@graphql-hive/plugin-opentelemetry');
  return {
    plugin: (context) => useOpenTelemetry({ ...context, traces: true }) as GatewayPlugin,
    shutdown: async () => tracing?.shutdown(),
  };
}
