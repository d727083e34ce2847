import type { NodeSDKConfiguration } from '@opentelemetry/sdk-node';

/**
 * OpenTelemetry traces, off by default. The standard variables turn them on and steer them:
 * `OTEL_EXPORTER_OTLP_ENDPOINT` (or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`) names the collector,
 * `OTEL_EXPORTER_OTLP_PROTOCOL` picks `http/protobuf` (default) or `http/json`,
 * `OTEL_SERVICE_NAME` overrides the process's name, `OTEL_TRACES_SAMPLER_ARG` (0…1) samples new
 * traces (a subgraph follows the gateway's decision); the OTel SDK reads the exporter's itself. Without an endpoint nothing is loaded: the SDK is imported only when
 * tracing starts, so a process that does not trace pays for no module, hook or span.
 */
export function tracingConfigured(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.OTEL_SDK_DISABLED === 'true') return false;
  return Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim() || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim());
}

export interface TracingOptions {
  /** The process's service name when `OTEL_SERVICE_NAME` does not give one (`hub-deals`, `hub-gateway`). */
  serviceName: string;
  /** Patches for the libraries whose calls become spans (http, mysql2), made before they are used. */
  instrumentations?: NodeSDKConfiguration['instrumentations'];
  /** Where spans go instead of the OTLP exporter the environment describes (tests keep them in memory). */
  spanProcessors?: NodeSDKConfiguration['spanProcessors'];
  env?: NodeJS.ProcessEnv;
}

export interface Tracing {
  /** Exports the spans still buffered and stops tracing (on shutdown, so the last requests are not lost). */
  shutdown(): Promise<void>;
}

/**
 * Starts the OTel Node SDK for this process: one tracer provider, the W3C `traceparent`
 * propagator (so a subgraph's spans continue the gateway's trace), an async-local-storage
 * context (so a database call is a child of the request it serves), traces only (no OTLP
 * metrics or logs: Prometheus has the metrics). Answers undefined when tracing is off and
 * nothing is given to export to.
 */
export async function startTracing(options: TracingOptions): Promise<Tracing | undefined> {
  const env = options.env ?? process.env;
  if (!options.spanProcessors && !tracingConfigured(env)) return undefined;
  const { NodeSDK, api, tracing } = await import('@opentelemetry/sdk-node');
  const root = new tracing.TraceIdRatioBasedSampler(rootRatio(env));
  const requests = new tracing.ParentBasedSampler({ root });
  // Polling loops (outbox relay, consumers, pruners, job sweeps) query the database every
  // second outside any request: as traces of one query each they would bury the requests', so
  // a database call is traced only inside a trace (a request's, a webhook delivery's).
  const sampler: NodeSDKConfiguration['sampler'] = {
    shouldSample(context, traceId, name, kind, attributes, links) {
      if (!api.trace.getSpanContext(context) && isDatabaseCall(attributes)) return { decision: tracing.SamplingDecision.NOT_RECORD };
      return requests.shouldSample(context, traceId, name, kind, attributes, links);
    },
    toString: () => `RequestScopedDatabase{${requests.toString()}}`,
  };
  const sdk = new NodeSDK({
    serviceName: env.OTEL_SERVICE_NAME?.trim() || options.serviceName,
    instrumentations: [...(options.instrumentations ?? [])],
    sampler,
    metricReaders: [],
    logRecordProcessors: [],
    ...(options.spanProcessors ? { spanProcessors: options.spanProcessors } : {}),
  });
  sdk.start();
  return { shutdown: () => sdk.shutdown() };
}

/** `OTEL_TRACES_SAMPLER_ARG`, the share of new traces recorded (1 when absent or not a ratio). */
export function rootRatio(env: NodeJS.ProcessEnv): number {
  const ratio = Number(env.OTEL_TRACES_SAMPLER_ARG);
  return env.OTEL_TRACES_SAMPLER_ARG?.trim() && Number.isFinite(ratio) && ratio >= 0 && ratio <= 1 ? ratio : 1;
}

/** A database client's span, by the semantic conventions' attribute (old and new names). */
function isDatabaseCall(attributes: Readonly<Record<string, unknown>>): boolean {
  return attributes['db.system.name'] !== undefined || attributes['db.system'] !== undefined;
}
