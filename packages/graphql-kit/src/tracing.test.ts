import { trace } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { startSubgraphTracing } from './subgraph-tracing';
import { startTracing, tracingConfigured } from './tracing';

describe('tracing is off by default', () => {
  it('is configured by an OTLP endpoint (all signals or traces only) and nothing else', () => {
    expect(tracingConfigured({})).toBe(false);
    expect(tracingConfigured({ OTEL_SERVICE_NAME: 'hub-deals', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' })).toBe(false);
    expect(tracingConfigured({ OTEL_EXPORTER_OTLP_ENDPOINT: '  ' })).toBe(false);
    expect(tracingConfigured({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' })).toBe(true);
    expect(tracingConfigured({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/v1/traces' })).toBe(true);
    expect(tracingConfigured({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_SDK_DISABLED: 'true' })).toBe(false);
  });

  it('starts no SDK without an endpoint: the API keeps its no-op tracer, whose spans record nothing', async () => {
    expect(await startTracing({ serviceName: 'hub-test', env: {} })).toBeUndefined();
    expect(await startSubgraphTracing('deals', { env: {} })).toBeUndefined();
    const span = trace.getTracer('probe').startSpan('probe');
    expect(span.isRecording()).toBe(false);
    expect(span.spanContext().traceId).toBe('00000000000000000000000000000000');
    span.end();
  });
});
