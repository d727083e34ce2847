import { tracing } from '@opentelemetry/sdk-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGatewayTracing } from '@hub/gateway/telemetry';
import { startSubgraphTracing } from '@hub/graphql-kit/subgraph-tracing';
import type { Tracing } from '@hub/graphql-kit/tracing';
import { partnersSubgraph } from '@hub/partners';
import { post, startHub, type RunningHub } from './support/hub';

type Span = tracing.ReadableSpan;

const admin = { sub: 'admin@vendor', role: 'vendor_admin' } as const;
const MYSQL2_SCOPE = '@opentelemetry/instrumentation-mysql2';
const HTTP_SCOPE = '@opentelemetry/instrumentation-http';

/** The span and its ancestors, nearest first, as the exported spans link them. */
function ancestry(span: Span, spans: readonly Span[]): Span[] {
  const chain = [span];
  for (;;) {
    const parentId = chain.at(-1)!.parentSpanContext?.spanId;
    const parent = parentId && spans.find((s) => s.spanContext().spanId === parentId);
    if (!parent) return chain;
    chain.push(parent);
  }
}

describe('traces from the gateway through a subgraph to the database', () => {
  const exporter = new tracing.InMemorySpanExporter();
  let sdk: Tracing | undefined;
  let hub: RunningHub;

  beforeAll(async () => {
    // The gateway and the subgraph share this process, so one SDK records both sides (in memory
    // instead of OTLP); the trace still crosses a real HTTP call between them, carried by
    // `traceparent`, and the subgraph's queries go to MariaDB through mysql2.
    sdk = await startSubgraphTracing('e2e', { spanProcessors: [new tracing.SimpleSpanProcessor(exporter)] });
    const gatewayTracing = await startGatewayTracing({ startSdk: false });
    hub = await startHub([partnersSubgraph], { database: 'mysql', gateway: { tracing: gatewayTracing } });
  });
  afterAll(async () => {
    await hub?.close();
    await sdk?.shutdown();
  });

  it('links the gateway request, its subgraph fetch, the subgraph request and its mysql2 query in one trace', async () => {
    exporter.reset();
    const answer = await post(hub.url, { query: 'query TracedPrograms { programs { code } }' }, await hub.token(admin));
    expect(answer.json.errors).toBeUndefined();
    const spans = exporter.getFinishedSpans();

    const partners = new URL(hub.subgraphs.find((s) => s.name === 'partners')!.url);
    // The partners subgraph's server span for the gateway's fetch (instrumentation-http, SERVER).
    const subgraphRequests = spans.filter(
      (s) => s.instrumentationScope.name === HTTP_SCOPE && s.kind === 1 && String(s.attributes['url.path'] ?? s.attributes['http.target']).startsWith('/graphql') && Number(s.attributes['server.port'] ?? s.attributes['net.host.port']) === Number(partners.port),
    );
    expect(subgraphRequests.length).toBeGreaterThan(0);
    const queries = spans.filter((s) => s.instrumentationScope.name === MYSQL2_SCOPE && subgraphRequests.some((r) => r.spanContext().traceId === s.spanContext().traceId));
    expect(queries.length).toBeGreaterThan(0);

    const query = queries.find((s) => String(s.attributes['db.statement'] ?? s.attributes['db.query.text']).includes('program'))!;
    expect(query).toBeDefined();
    const chain = ancestry(query, spans);
    const traceId = query.spanContext().traceId;
    expect(chain.every((s) => s.spanContext().traceId === traceId)).toBe(true);
    // Nearest first: the query, then (perhaps through spans of its own) the subgraph's request…
    const subgraphAt = chain.findIndex((s) => subgraphRequests.includes(s));
    expect(subgraphAt).toBeGreaterThan(0);
    // …whose parent side is the gateway: the plugin's upstream fetch of partners, its subgraph
    // execution, the GraphQL operation and, at the root, the gateway's HTTP request.
    const gatewaySide = chain.slice(subgraphAt + 1).filter((s) => s.instrumentationScope.name === 'gateway');
    expect(gatewaySide.map((s) => s.name)).toEqual(['http.fetch', 'subgraph.execute (partners)', 'graphql.execute', 'graphql.operation TracedPrograms', 'POST /graphql']);
    expect(gatewaySide.at(-1)!.kind).toBe(1);
    // In production the fetch's context goes straight to the subgraph; here the in-process http
    // instrumentation adds a client span between them, still a child of the fetch.
    const between = chain.slice(subgraphAt + 1, chain.indexOf(gatewaySide[0]!));
    expect(between.every((s) => s.instrumentationScope.name === HTTP_SCOPE && s.kind === 2)).toBe(true);
  });
});
