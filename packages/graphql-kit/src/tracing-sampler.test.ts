import { context, trace } from '@opentelemetry/api';
import { tracing } from '@opentelemetry/sdk-node';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { rootRatio, startTracing, type Tracing } from './tracing';

describe('which spans are traced', () => {
  const exporter = new tracing.InMemorySpanExporter();
  let sdk: Tracing | undefined;
  beforeAll(async () => {
    sdk = await startTracing({ serviceName: 'hub-test', spanProcessors: [new tracing.SimpleSpanProcessor(exporter)], env: {} });
  });
  afterAll(() => sdk?.shutdown());

  it('records a database call inside a trace, and none outside one (polling loops)', async () => {
    const tracer = trace.getTracer('test');
    const polling = tracer.startSpan('SELECT', { attributes: { 'db.system.name': 'mysql' } });
    expect(polling.isRecording()).toBe(false);
    polling.end();
    const legacy = tracer.startSpan('SELECT', { attributes: { 'db.system': 'mysql' } });
    expect(legacy.isRecording()).toBe(false);
    legacy.end();

    const request = tracer.startSpan('POST');
    expect(request.isRecording()).toBe(true);
    const query = tracer.startSpan('SELECT', { attributes: { 'db.system.name': 'mysql' } }, trace.setSpan(context.active(), request));
    expect(query.isRecording()).toBe(true);
    query.end();
    request.end();

    // The processor hands a span to the exporter once the detected resource is ready.
    const finished = await vi.waitFor(() => {
      const spans = exporter.getFinishedSpans();
      if (spans.length < 2) throw new Error('not exported yet');
      return spans;
    });
    expect(finished.map((s) => s.name)).toEqual(['SELECT', 'POST']);
    expect(finished[0]!.parentSpanContext?.spanId).toBe(request.spanContext().spanId);
  });

  it('samples new traces at OTEL_TRACES_SAMPLER_ARG, every one when it is absent or no ratio', () => {
    expect(rootRatio({})).toBe(1);
    expect(rootRatio({ OTEL_TRACES_SAMPLER_ARG: '0.25' })).toBe(0.25);
    expect(rootRatio({ OTEL_TRACES_SAMPLER_ARG: '0' })).toBe(0);
    expect(rootRatio({ OTEL_TRACES_SAMPLER_ARG: '2' })).toBe(1);
    expect(rootRatio({ OTEL_TRACES_SAMPLER_ARG: 'half' })).toBe(1);
    expect(rootRatio({ OTEL_TRACES_SAMPLER_ARG: ' ' })).toBe(1);
  });
});
