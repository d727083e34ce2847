import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { startHub, type RunningHub } from './support/hub';
import { whoamiSubgraph } from './support/whoami-subgraph';

const WHOAMI = '{ whoami { sub role distributorId } }';
const D1 = '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4ad1';

function wsClient(hub: RunningHub, connectionParams: Record<string, string>): Client {
  return createClient({ url: hub.url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, connectionParams, retryAttempts: 0, lazy: true });
}

describe('graphql-ws through the gateway', () => {
  let hub: RunningHub;
  beforeAll(async () => {
    hub = await startHub([whoamiSubgraph]);
  });
  afterAll(() => hub?.close());

  it('runs a query for a connection that sent its token in connectionParams.Authorization', async () => {
    const token = await hub.token({ sub: 'dist-user', role: 'distributor', distributorId: D1 });
    const client = wsClient(hub, { Authorization: `Bearer ${token}` });
    try {
      const results: unknown[] = [];
      for await (const result of client.iterate({ query: WHOAMI })) results.push(result);
      expect(results).toEqual([{ data: { whoami: { sub: 'dist-user', role: 'distributor', distributorId: D1 } } }]);
    } finally {
      await client.dispose();
    }
  });

  it('accepts the lower-case connectionParams.authorization too', async () => {
    const token = await hub.token({ sub: 'admin', role: 'vendor_admin' });
    const client = wsClient(hub, { authorization: `Bearer ${token}` });
    try {
      const results: unknown[] = [];
      for await (const result of client.iterate({ query: WHOAMI })) results.push(result);
      expect(results).toEqual([{ data: { whoami: { sub: 'admin', role: 'vendor_admin', distributorId: null } } }]);
    } finally {
      await client.dispose();
    }
  });

  it.each([
    ['no token', {}],
    ['a token signed with another secret', { Authorization: 'Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4Iiwicm9sZSI6InZlbmRvcl9hZG1pbiJ9.c2lnbmF0dXJl' }],
  ])('closes a connection with %s with 4401 before running anything', async (_, params) => {
    const client = wsClient(hub, params);
    try {
      const closed = new Promise<{ code: number }>((resolve) => client.on('closed', (event) => resolve(event as { code: number })));
      const results: unknown[] = [];
      await expect(
        (async () => {
          for await (const result of client.iterate({ query: WHOAMI })) results.push(result);
        })(),
      ).rejects.toMatchObject({ code: 4401 });
      expect((await closed).code).toBe(4401);
      expect(results).toEqual([]);
    } finally {
      await client.dispose();
    }
  });
});
