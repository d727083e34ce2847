import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tracing } from '@opentelemetry/sdk-node';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startSubgraphTracing } from './subgraph-tracing';
import type { Tracing } from './tracing';

describe("a subgraph's HTTP spans", () => {
  const exporter = new tracing.InMemorySpanExporter();
  let sdk: Tracing | undefined;
  beforeAll(async () => {
    sdk = await startSubgraphTracing('test', { spanProcessors: [new tracing.SimpleSpanProcessor(exporter)] });
  });
  afterAll(() => sdk?.shutdown());

  it('traces requests made and served through node:http imported as ESM before tracing started (webhooks, the GraphQL server)', async () => {
    const server = createServer((_req, res) => res.end('ok')).listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      await new Promise<void>((resolve, reject) => {
        request(`http://127.0.0.1:${port}/webhook`, { method: 'POST' }, (response) => response.resume().on('end', resolve)).on('error', reject).end('{}');
      });
      const spans = await vi.waitFor(() => {
        const finished = exporter.getFinishedSpans();
        if (finished.length < 2) throw new Error('not exported yet');
        return finished;
      });
      const client = spans.find((s) => s.kind === 2)!;
      const served = spans.find((s) => s.kind === 1)!;
      expect(client.name).toBe('POST');
      // The server continued the client's trace from the traceparent the client sent.
      expect(served.parentSpanContext?.spanId).toBe(client.spanContext().spanId);
      expect(served.spanContext().traceId).toBe(client.spanContext().traceId);
    } finally {
      server.close();
    }
  });
});
