import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createJwtVerifier } from '@hub/auth';
import { DEFAULT_SUPERGRAPH_PATH } from './config';
import { createGateway, type Gateway } from './create-gateway';
import { defaultEdgeConfig } from './edge-config';
import { supergraphRoutes } from './supergraph-routes';

// Anonymous requests are refused (401, or 429 over budget) before any subgraph is called, so
// the gateway runs on the committed supergraph with no subgraph behind it.
const supergraphSdl = readFileSync(DEFAULT_SUPERGRAPH_PATH, 'utf8');
const ANONYMOUS_BUDGET = 3;

const gateways: Gateway[] = [];
afterEach(async () => {
  await Promise.all(gateways.splice(0).map((gateway) => gateway.close()));
});

async function startGateway(trustedProxies: readonly string[]): Promise<string> {
  const gateway = createGateway({
    supergraphSdl,
    subgraphs: supergraphRoutes(supergraphSdl),
    verifyToken: createJwtVerifier({ secret: 'client-address-test-secret-of-32-characters' }),
    gatewaySecret: 'client-address-gateway-secret-of-32-characters',
    logging: false,
    // In memory: these buckets are this gateway's alone, whatever else uses the shared Redis.
    edge: defaultEdgeConfig({
      rateLimits: { perCaller: { points: 1_000, durationSeconds: 60 }, perRole: {}, anonymous: { points: ANONYMOUS_BUDGET, durationSeconds: 60 } },
      trustedProxies,
    }),
  });
  gateways.push(gateway);
  return gateway.listen(0, '127.0.0.1');
}

/** Statuses of anonymous requests sent one after another, each with its X-Forwarded-For. */
async function anonymousStatuses(url: string, forwardedFor: readonly string[]): Promise<number[]> {
  const statuses: number[] = [];
  for (const header of forwardedFor) {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': header },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    await response.arrayBuffer();
    statuses.push(response.status);
  }
  return statuses;
}

const times = <T>(count: number, value: T): T[] => Array.from({ length: count }, () => value);
const overBudget = [...times(ANONYMOUS_BUDGET, 401), 429];

describe('client address behind a trusted proxy', () => {
  it('gives two anonymous clients of a trusted proxy a budget each', async () => {
    const url = await startGateway(['127.0.0.1']);
    expect(await anonymousStatuses(url, times(ANONYMOUS_BUDGET + 1, '203.0.113.10'))).toEqual(overBudget);
    expect(await anonymousStatuses(url, times(ANONYMOUS_BUDGET + 1, '203.0.113.20'))).toEqual(overBudget);
  });

  it('lets every anonymous client share the peer’s budget when no proxy is trusted', async () => {
    const url = await startGateway([]);
    expect(await anonymousStatuses(url, times(ANONYMOUS_BUDGET, '203.0.113.10'))).toEqual(times(ANONYMOUS_BUDGET, 401));
    expect(await anonymousStatuses(url, ['203.0.113.20'])).toEqual([429]);
  });

  it('keeps a client in its bucket when it sends its own X-Forwarded-For through the proxy', async () => {
    const url = await startGateway(['127.0.0.1']);
    // The proxy appends the peer it saw (203.0.113.30) to whatever the client wrote.
    const spoofed = Array.from({ length: ANONYMOUS_BUDGET + 1 }, (_, i) => `198.51.100.${i + 1}, 203.0.113.30`);
    expect(await anonymousStatuses(url, spoofed)).toEqual(overBudget);
    expect(await anonymousStatuses(url, ['203.0.113.40'])).toEqual([401]);
  });

  it('counts graphql-ws connections without a token against the forwarded client', async () => {
    const url = (await startGateway(['127.0.0.1'])).replace(/^http/, 'ws');
    const closeCode = (forwardedFor: string) =>
      new Promise<number>((resolve, reject) => {
        const socket = new WebSocket(url, 'graphql-transport-ws', { headers: { 'x-forwarded-for': forwardedFor } });
        socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: {} })));
        socket.on('close', (code) => resolve(code));
        socket.on('error', reject);
      });
    const codes: number[] = [];
    for (let i = 0; i <= ANONYMOUS_BUDGET; i += 1) codes.push(await closeCode('203.0.113.50'));
    expect(codes).toEqual([...times(ANONYMOUS_BUDGET, 4401), 4429]);
    expect(await closeCode('203.0.113.60')).toBe(4401);
  });
});
