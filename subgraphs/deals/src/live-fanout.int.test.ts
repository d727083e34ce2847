import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisEventTarget } from '@graphql-yoga/redis-event-target';
import { createClient } from 'graphql-ws';
import { Redis } from 'ioredis';
import WebSocket from 'ws';
import { signSubscription, SUBSCRIPTION_AUTH_EXTENSION, type Claims } from '@hub/auth';
import { newId, type Database } from '@hub/db';
import { RedisStreamsBus, type DomainEvent } from '@hub/events';
import { createTestDatabase, subgraphClient, type TestDatabase } from '@hub/testing';
import { createDealsServer, openDealsDatabase } from './server';
import { receiveTestCatalog, SKU } from './int-test-catalog';

const SECRET = 'live-fanout-test-gateway-secret-0123456789';
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const admin: Claims = { sub: 'admin@vendor', role: 'vendor_admin' };
const PARTNER = newId();
const DISTRIBUTOR = newId();

/**
 * Two deals instances on one database, one Redis stream and one Redis pub/sub: a change made
 * through instance A reaches a subscriber connected to instance B, as behind a load balancer.
 */
describe('live deal updates across deals instances (Redis)', () => {
  const streamKey = `hub:test:live:${newId()}`;
  let testDb: TestDatabase;
  const instances: { database: Database; bus: RedisStreamsBus; clients: Redis[]; url: string; close: () => Promise<void> }[] = [];

  beforeAll(async () => {
    testDb = await createTestDatabase('live_fanout');
    for (let i = 0; i < 2; i += 1) {
      const database = await openDealsDatabase({ url: testDb.url });
      const bus = new RedisStreamsBus({ redis: REDIS_URL, streamKey, consume: { blockMs: 200 } });
      const clients = [new Redis(REDIS_URL), new Redis(REDIS_URL)];
      const server = await createDealsServer({
        database,
        bus,
        gatewaySecret: SECRET,
        liveEventTarget: createRedisEventTarget({ publishClient: clients[0]!, subscribeClient: clients[1]! }) as never,
      });
      const running = await server.start(0);
      instances.push({ database, bus, clients, url: running.url, close: running.close });
    }
    const now = new Date().toISOString();
    const facts: DomainEvent[] = [
      { id: newId(), type: 'distributor.saved', version: 1, occurredAt: now, source: 'partners', aggregateId: DISTRIBUTOR, payload: { distributorId: DISTRIBUTOR, name: 'Distri', countries: ['FR'], handlesRenewals: false, usageBasedProgram: false } },
      {
        id: newId(),
        type: 'partner.created',
        version: 1,
        occurredAt: now,
        source: 'partners',
        aggregateId: PARTNER,
        payload: { partnerId: PARTNER, name: 'Fanout SARL', country: 'FR', programCode: 'FR-2023', currency: 'EUR', status: 'ACTIVE', segmentFocus: 'SMB', businessModels: ['RESELLER'], distributorIds: [DISTRIBUTOR] },
      },
    ];
    await instances[0]!.bus.publish(facts);
    await receiveTestCatalog(instances[0]!.bus, instances[0]!.database);
  });

  afterAll(async () => {
    for (const instance of instances) {
      await instance.close();
      await instance.bus.close();
      for (const client of instance.clients) client.disconnect();
      await instance.database.dataSource.destroy();
    }
    const redis = new Redis(REDIS_URL);
    await redis.del(streamKey);
    redis.disconnect();
    await testDb?.drop();
  });

  it('delivers every change made through instance A to subscribers of both instances, once each', async () => {
    const [a, b] = instances;
    const call = subgraphClient(a!.url, SECRET);
    const register = () =>
      call<{ registerDeal: { id: string } }>(admin, `mutation ($i: RegisterDealInput!) { registerDeal(input: $i) { id } }`, {
        i: {
          partnerId: PARTNER,
          distributorId: DISTRIBUTOR,
          endCustomer: { name: `Fanout Customer ${newId()}`, country: 'FR' },
          type: 'NEW_CUSTOMER',
          productLine: 'ENDPOINT',
          lines: [{ sku: SKU.endpoint, seats: 10, unitPrice: '10.00' }],
          expectedCloseDate: '2099-01-01',
        },
      });
    // The partner facts reach both instances through the stream; wait until A accepts registrations.
    const started = Date.now();
    while ((await register()).errors) {
      if (Date.now() - started > 10_000) throw new Error('instance A never learned the partner');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }

    // One subscriber per instance. Only one instance's live consumer takes each event from the
    // stream, so both subscribers hear of it only if the pub/sub between instances works.
    const subscribers = [a!, b!].map((instance) => {
      const client = createClient({ url: instance.url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, retryAttempts: 0 });
      const received: { dealUpdated: { kind: string; deal: { id: string; partner: { name: string } } } }[] = [];
      const iterator = client.iterate<(typeof received)[number]>({
        // The partner's name travels with the event (read once by the instance that consumed it).
        query: 'subscription { dealUpdated { kind deal { id partner { name } } } }',
        extensions: { [SUBSCRIPTION_AUTH_EXTENSION]: signSubscription({ secret: SECRET, subgraph: 'deals', claims: admin }) },
      });
      const reading = (async () => {
        for await (const result of iterator) if (result.data) received.push(result.data);
      })();
      return { client, received, stop: async () => { await iterator.return?.(); await reading.catch(() => undefined); await client.dispose(); } };
    });
    try {
      await new Promise((resolve) => setTimeout(resolve, 500));
      const ids: string[] = [];
      for (let i = 0; i < 5; i += 1) ids.push((await register()).data!.registerDeal.id);
      const deadline = Date.now() + 10_000;
      while (!subscribers.every((s) => ids.every((id) => s.received.some((r) => r.dealUpdated.deal.id === id)))) {
        if (Date.now() > deadline) throw new Error('a subscriber did not receive every deal');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
      // Each event exactly once on each instance, although two instances consume the stream.
      for (const subscriber of subscribers) {
        const ours = subscriber.received.filter((r) => ids.includes(r.dealUpdated.deal.id));
        expect(ours.map((r) => r.dealUpdated.deal.id)).toEqual(ids);
        expect(ours.map((r) => r.dealUpdated.deal.partner.name)).toEqual(ids.map(() => 'Fanout SARL'));
      }
    } finally {
      for (const subscriber of subscribers) await subscriber.stop();
    }
  });
});
