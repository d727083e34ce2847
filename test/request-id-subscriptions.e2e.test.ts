import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJwtVerifier, mintToken } from '@hub/auth';
import { createGateway, type Gateway } from '@hub/gateway';
import { composeSupergraph, printSubgraphs } from '@hub/gateway/compose';
import { setLogSink, startSubgraphServer, type LogSink, type SubgraphModule } from '@hub/graphql-kit';
import { GATEWAY_SECRET, JWT_SECRET, testEdgeConfig } from './support/hub';

/**
 * A subgraph with one subscription whose event fails the way a bug does (a plain Error), so the
 * subgraph logs a masked error line for the subscription that reached it over graphql-ws.
 */
const PROBE_SDL = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@shareable"])
type Query { probeReady: Boolean }
type Subscription { requestIdTick: Int }`;
const probeSchema = () =>
  buildSubgraphSchema([
    {
      typeDefs: parse(PROBE_SDL),
      resolvers: {
        Query: { probeReady: () => true },
        Subscription: {
          requestIdTick: {
            subscribe: async function* () {
              yield { requestIdTick: 1 };
            },
            resolve: () => {
              throw new Error('tick failed on purpose');
            },
          },
        },
      } as never,
    },
  ]);
const probeSubgraph: SubgraphModule = {
  name: 'probe',
  defaultPort: 0,
  buildSchema: async () => probeSchema(),
  seed: async () => 'probe: nothing to seed',
  start: async (options) => {
    const running = await startProbe(options.gatewaySecret, options.port);
    return { name: 'probe', url: running.url, close: () => running.close() };
  },
};
const startProbe = (gatewaySecret: string, port: number) =>
  startSubgraphServer({ name: 'probe', schema: probeSchema(), gatewaySecret, createContext: () => ({}), subscriptions: true }, port);

/** A graphql-ws client whose upgrade request carries these headers, as a browser's cannot but a server's can. */
function wsClient(url: string, token: string, headers: Record<string, string>) {
  class WithHeaders extends WebSocket {
    constructor(address: string, protocols?: string | string[]) {
      super(address, protocols, { headers });
    }
  }
  return createClient({ url: url.replace(/^http/, 'ws'), webSocketImpl: WithHeaders, connectionParams: { Authorization: `Bearer ${token}` }, retryAttempts: 0, lazy: true });
}

describe('request ids on graphql-ws subscriptions, from the gateway into the subgraph', () => {
  let gateway: Gateway;
  let url: string;
  let closeProbe: () => Promise<void>;
  let token: string;
  const lines: string[] = [];
  let previousSink: LogSink;

  beforeAll(async () => {
    previousSink = setLogSink((_level, line) => lines.push(line));
    process.env.LOG_JSON = '1';
    const probe = await startProbe(GATEWAY_SECRET, 0);
    closeProbe = probe.close;
    const supergraphSdl = composeSupergraph(await printSubgraphs([probeSubgraph], () => probe.url));
    gateway = createGateway({
      supergraphSdl,
      subgraphs: [{ name: 'probe', url: probe.url, subscriptions: true }],
      verifyToken: createJwtVerifier({ secret: JWT_SECRET }),
      gatewaySecret: GATEWAY_SECRET,
      logging: 'error',
      edge: testEdgeConfig(),
    });
    url = await gateway.listen(0);
    token = await mintToken({ sub: 'ws-request-id@vendor', role: 'vendor_admin' }, { secret: JWT_SECRET, expiresIn: '10m' });
  });
  afterAll(async () => {
    delete process.env.LOG_JSON;
    setLogSink(previousSink);
    await gateway?.close();
    await closeProbe?.();
  });

  const subscribeOnce = async (headers: Record<string, string>) => {
    const client = wsClient(url, token, headers);
    try {
      const results: { errors?: { extensions?: Record<string, unknown> }[] }[] = [];
      for await (const result of client.iterate({ query: 'subscription { requestIdTick }' })) results.push(result as never);
      return results;
    } finally {
      await client.dispose();
    }
  };
  const probeLines = () => lines.map((line) => JSON.parse(line) as Record<string, unknown>).filter((line) => line.subgraph === 'probe' && line.level === 'error');

  it("carries the client's x-request-id to the subgraph's masked-error line for the subscription's event", async () => {
    const results = await subscribeOnce({ 'x-request-id': 'ws-123' });
    expect(results[0]?.errors?.[0]?.extensions?.code).toBe('INTERNAL_SERVER_ERROR');
    const logged = probeLines().filter((line) => line.requestId === 'ws-123');
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ err: { name: 'Error', message: 'tick failed on purpose' } });
  });

  it('gives each subscription a new id when the client sends none, or an unsafe one', async () => {
    lines.length = 0;
    await subscribeOnce({});
    await subscribeOnce({ 'x-request-id': 'bad id <script>' });
    const ids = probeLines().map((line) => line.requestId);
    expect(ids).toHaveLength(2);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(new Set(ids).size).toBe(2);
  });
});
