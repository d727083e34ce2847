import { MoreThan } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type Client } from 'graphql-ws';
import { Redis } from 'ioredis';
import WebSocket from 'ws';
import { signSubscription, SUBSCRIPTION_AUTH_EXTENSION, type Claims } from '@hub/auth';
import { newId, type Database } from '@hub/db';
import { adjustableClock } from '@hub/domain';
import { InProcessBus, RedisStreamsBus, type DomainEvent, type EventBus } from '@hub/events';
import { createTestDatabase, subgraphClient, type TestDatabase } from '@hub/testing';
import { DealFeedEntryEntity } from './entities';
import { createDealsServer, openDealsDatabase } from './server';
import { redisWakeUps, type RedisWakeUps } from './services/redis-wake-ups';
import { receiveTestCatalog, SKU } from './int-test-catalog';

const SECRET = 'deal-feed-test-gateway-secret-0123456789';
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const DAY_MS = 24 * 60 * 60 * 1000;
const admin: Claims = { sub: 'admin@vendor', role: 'vendor_admin' };

/** Two partners, each buying through its own distributor. */
const PARTNERS = [newId(), newId()] as const;
const DISTRIBUTORS = [newId(), newId()] as const;
const distributor = (i: 0 | 1): Claims => ({ sub: `integration@distributor-${i}`, role: 'distributor', distributorId: DISTRIBUTORS[i] });

interface FeedEvent {
  id: string;
  kind: string;
  deal: { id: string; distributor: { id: string } | null; partner: { name: string } };
}

const EVENT_FIELDS = 'id kind deal { id distributor { id } partner { name } }';

function partnerFacts(): DomainEvent[] {
  const now = new Date().toISOString();
  return [0, 1].flatMap((i) => [
    { id: newId(), type: 'distributor.saved', version: 1, occurredAt: now, source: 'partners', aggregateId: DISTRIBUTORS[i]!, payload: { distributorId: DISTRIBUTORS[i]!, name: `Distri ${i}`, countries: ['FR'], handlesRenewals: false, usageBasedProgram: false } },
    {
      id: newId(),
      type: 'partner.created',
      version: 1,
      occurredAt: now,
      source: 'partners',
      aggregateId: PARTNERS[i]!,
      payload: { partnerId: PARTNERS[i]!, name: `Feed Partner ${i}`, country: 'FR', programCode: 'FR-2023', currency: 'EUR', status: 'ACTIVE', segmentFocus: 'SMB', businessModels: ['RESELLER'], distributorIds: [DISTRIBUTORS[i]!] },
    },
  ]);
}

/** Reads a subscription in the background; `stop` ends it the way a client that goes away does. */
function follow(url: string, claims: Claims, args: string) {
  const client: Client = createClient({ url: url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, retryAttempts: 0 });
  const received: FeedEvent[] = [];
  const errors: unknown[] = [];
  const iterator = client.iterate<{ dealUpdated: FeedEvent }>({
    query: `subscription { dealUpdated${args} { ${EVENT_FIELDS} } }`,
    extensions: { [SUBSCRIPTION_AUTH_EXTENSION]: signSubscription({ secret: SECRET, subgraph: 'deals', claims }) },
  });
  const reading = (async () => {
    for await (const result of iterator) {
      if (result.errors) errors.push(...result.errors);
      if (result.data) received.push(result.data.dealUpdated);
    }
  })().catch((error: unknown) => errors.push(error));
  return {
    received,
    errors,
    stop: async () => {
      await iterator.return?.();
      await reading;
      await client.dispose();
    },
  };
}

async function until(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const REGISTER = `mutation ($i: RegisterDealInput!) { registerDeal(input: $i) { id } }`;
const registration = (i: 0 | 1) => ({
  i: {
    partnerId: PARTNERS[i],
    distributorId: DISTRIBUTORS[i],
    endCustomer: { name: `Feed Customer ${newId()}`, country: 'FR' },
    type: 'NEW_CUSTOMER',
    productLine: 'ENDPOINT',
    lines: [{ sku: SKU.endpoint, seats: 10, unitPrice: '10.00' }],
    expectedCloseDate: '2099-01-01',
  },
});

interface Instance {
  database: Database;
  bus: EventBus;
  url: string;
  server: Awaited<ReturnType<typeof createDealsServer>>;
  close: () => Promise<void>;
}

/**
 * Two deals instances on one MariaDB database, one Redis stream and one Redis pub/sub, as behind a
 * load balancer: changes go through either, subscribers sit on either.
 */
describe('the deal feed across two deals instances (MariaDB, Redis)', () => {
  const streamKey = `hub:test:feed:${newId()}`;
  const clock = adjustableClock(new Date().toISOString());
  const wakeUps: RedisWakeUps[] = [];
  let testDb: TestDatabase;
  const instances: Instance[] = [];

  const register = async (through: Instance, i: 0 | 1): Promise<string> => {
    const result = await subgraphClient(through.url, SECRET)<{ registerDeal: { id: string } }>(admin, REGISTER, registration(i));
    if (result.errors) throw new Error(JSON.stringify(result.errors));
    return result.data!.registerDeal.id;
  };

  beforeAll(async () => {
    testDb = await createTestDatabase('deal_feed');
    for (let i = 0; i < 2; i += 1) {
      const database = await openDealsDatabase({ url: testDb.url });
      const bus = new RedisStreamsBus({ redis: REDIS_URL, streamKey, consume: { blockMs: 200 } });
      const instanceWakeUps = redisWakeUps(REDIS_URL, (error) => {
        throw error;
      });
      wakeUps.push(instanceWakeUps);
      const server = await createDealsServer({
        database,
        bus,
        clock,
        gatewaySecret: SECRET,
        liveEventTarget: instanceWakeUps.eventTarget as never,
        // A long poll: instances must hear of each other's commits through the pub/sub.
        dealFeed: { pollMs: 60_000 },
      });
      const running = await server.start(0);
      instances.push({ database, bus, url: running.url, server, close: running.close });
    }
    await instances[0]!.bus.publish(partnerFacts());
    await receiveTestCatalog(instances[0]!.bus, instances[0]!.database);
    // Both partners' facts reach deals through the stream: wait until registrations are accepted.
    const call = subgraphClient(instances[0]!.url, SECRET);
    for (const i of [0, 1] as const) {
      const deadline = Date.now() + 10_000;
      while ((await call(admin, REGISTER, registration(i))).errors) {
        if (Date.now() > deadline) throw new Error(`deals never learned partner ${i}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  });

  afterAll(async () => {
    for (const instance of instances) {
      await instance.close();
      await instance.bus.close();
      await instance.database.dataSource.destroy();
    }
    for (const instanceWakeUps of wakeUps) instanceWakeUps.close();
    const redis = new Redis(REDIS_URL);
    await redis.del(streamKey);
    redis.disconnect();
    await testDb?.drop();
  });

  it('gives every event a dense position, in one order for every instance, even when they write at once', async () => {
    const [a, b] = instances as [Instance, Instance];
    const headBefore = await a.server.dealFeed.head();
    const watchers = [follow(a.url, admin, ''), follow(b.url, admin, '')];
    try {
      await new Promise((resolve) => setTimeout(resolve, 300));
      const ids = await Promise.all(Array.from({ length: 20 }, (_, n) => register(n % 2 === 0 ? a : b, (n % 2) as 0 | 1)));
      const entries = await a.database.dataSource.manager.find(DealFeedEntryEntity, { order: { position: 'ASC' } });
      const ours = entries.filter((entry) => entry.position > headBefore);
      expect(ours.map((entry) => entry.position)).toEqual(Array.from({ length: 20 }, (_, n) => headBefore + n + 1));
      expect(new Set(ours.map((entry) => entry.dealId))).toEqual(new Set(ids));
      // Both instances' subscribers see the feed's order, not the order events reached them.
      await until(() => watchers.every((w) => w.received.length >= 20), 'both subscribers to hear all 20');
      for (const watcher of watchers) expect(watcher.received.map((event) => event.id)).toEqual(ours.map((entry) => entry.eventId));
    } finally {
      for (const watcher of watchers) await watcher.stop();
    }
  });

  it('resumes a distributor that was away: exactly the ten events it missed, in order, then live ones, never another distributor\'s', async () => {
    const [a, b] = instances as [Instance, Instance];
    const before = follow(b.url, distributor(0), '');
    await new Promise((resolve) => setTimeout(resolve, 300));
    const seenBefore = await register(a, 0);
    await until(() => before.received.some((event) => event.deal.id === seenBefore), 'the first event');
    const lastSeen = before.received.at(-1)!.id;
    await before.stop();

    // Away: ten of its own events through both instances, interleaved with another distributor's.
    const missed: string[] = [];
    for (let n = 0; n < 10; n += 1) {
      missed.push(await register(n % 2 === 0 ? a : b, 0));
      await register(n % 2 === 0 ? b : a, 1);
    }

    // Back, on the other instance, from the last event it saw.
    const resumed = follow(a.url, distributor(0), `(after: "${lastSeen}")`);
    try {
      await until(() => resumed.received.length >= 10, 'the ten missed events');
      const live = [await register(b, 0), await register(a, 1), await register(a, 0)];
      await until(() => resumed.received.length >= 12, 'the live events');
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(resumed.errors).toEqual([]);
      expect(resumed.received.map((event) => event.deal.id)).toEqual([...missed, live[0], live[2]]);
      expect(resumed.received.every((event) => event.deal.distributor?.id === DISTRIBUTORS[0])).toBe(true);
      expect(resumed.received.every((event) => event.kind === 'SUBMITTED' && event.deal.partner.name === 'Feed Partner 0')).toBe(true);
    } finally {
      await resumed.stop();
    }
  });

  it('loses nothing committed while a resuming subscriber replays', async () => {
    const [a, b] = instances as [Instance, Instance];
    const start = (await a.server.dealFeed.page(admin, {}, null, 500)).events.at(-1)!.id;
    const resumed = follow(b.url, admin, `(after: "${start}")`);
    const written: string[] = [];
    try {
      // Writes race the replay: some land before the listener starts, some during the replay, some after.
      for (let n = 0; n < 12; n += 1) written.push(await register(n % 2 === 0 ? a : b, (n % 2) as 0 | 1));
      await until(() => resumed.received.length >= 12, 'every event written during the replay');
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(resumed.received.map((event) => event.deal.id)).toEqual(written);
    } finally {
      await resumed.stop();
    }
  });

  it('pages through dealEvents in feed order with the caller\'s access rules', async () => {
    const [a] = instances as [Instance];
    const call = subgraphClient(a.url, SECRET);
    const query = `query ($after: String, $filter: DealEventFilter) { dealEvents(first: 4, after: $after, filter: $filter) { edges { cursor node { ${EVENT_FIELDS} } } pageInfo { hasNextPage endCursor } } }`;
    type Page = { dealEvents: { edges: { cursor: string; node: FeedEvent }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } };
    const readAll = async (claims: Claims, filter?: Record<string, unknown>) => {
      const events: FeedEvent[] = [];
      let after: string | null = null;
      for (let pages = 0; pages < 100; pages += 1) {
        const result: { data?: Page | null; errors?: unknown } = await call<Page>(claims, query, { after, filter });
        expect(result.errors).toBeUndefined();
        const page: Page['dealEvents'] = result.data!.dealEvents;
        events.push(...page.edges.map((edge) => edge.node));
        expect(page.edges.map((edge) => edge.cursor)).toEqual(page.edges.map((edge) => edge.node.id));
        if (!page.pageInfo.hasNextPage) return { events, endCursor: page.pageInfo.endCursor };
        after = page.pageInfo.endCursor;
      }
      throw new Error('the feed never ended');
    };
    const entries = await a.database.dataSource.manager.find(DealFeedEntryEntity, { order: { position: 'ASC' } });
    const everything = await readAll(admin);
    expect(everything.events.map((event) => event.id)).toEqual(entries.map((entry) => entry.eventId));

    const own = await readAll(distributor(1));
    expect(own.events.map((event) => event.id)).toEqual(entries.filter((entry) => entry.distributorId === DISTRIBUTORS[1]).map((entry) => entry.eventId));
    // A distributor asking for another's events gets none of them (the filter narrows; access still applies).
    expect((await readAll(distributor(1), { distributorId: DISTRIBUTORS[0] })).events).toEqual([]);
    const partner: Claims = { sub: 'someone@partner', role: 'partner', partnerId: PARTNERS[0] };
    expect((await readAll(partner)).events.every((event) => event.deal.distributor?.id === DISTRIBUTORS[0])).toBe(true);

    // Caught up, the end cursor stays put: polling with it returns what came since, and only that.
    const next = await register(a, 1);
    const since = await call<Page>(distributor(1), query, { after: own.endCursor });
    expect(since.data!.dealEvents.edges.map((edge) => edge.node.deal.id)).toEqual([next]);
    const empty = await call<Page>(distributor(1), query, { after: since.data!.dealEvents.pageInfo.endCursor });
    expect(empty.data!.dealEvents).toEqual({ edges: [], pageInfo: { hasNextPage: false, endCursor: since.data!.dealEvents.pageInfo.endCursor } });
  });

  it('refuses a resume point that is not an event id, and answers CURSOR_EXPIRED once it is past the retention', async () => {
    const [a, b] = instances as [Instance, Instance];
    const call = subgraphClient(a.url, SECRET);
    const garbage = await call(admin, '{ dealEvents(after: "not-an-id") { edges { cursor } } }');
    expect(garbage.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });

    const oldest = (await a.server.dealFeed.page(admin, {}, null, 1)).events[0]!.id;
    const newest = await register(a, 0);
    const before = await a.database.dataSource.manager.count(DealFeedEntryEntity);
    // Everything but the newest event is now past the 30-day retention.
    await a.database.dataSource.manager.update(DealFeedEntryEntity, { position: MoreThan(0) }, { occurredAt: new Date(clock.now().getTime() - 31 * DAY_MS) });
    const newestEntry = await a.database.dataSource.manager.findOneByOrFail(DealFeedEntryEntity, { dealId: newest });
    await a.database.dataSource.manager.update(DealFeedEntryEntity, { position: newestEntry.position }, { occurredAt: clock.now() });
    expect(await a.server.dealFeed.prune(clock.now(), 7)).toBe(before - 1);
    expect(await a.database.dataSource.manager.count(DealFeedEntryEntity)).toBe(1);

    const expired = await call(admin, `{ dealEvents(after: "${oldest}") { edges { cursor } } }`);
    expect(expired.errors?.[0]?.extensions).toMatchObject({ code: 'CURSOR_EXPIRED', field: 'after', retentionDays: 30 });
    const resumed = follow(b.url, admin, `(after: "${oldest}")`);
    await until(() => resumed.errors.length > 0, 'the subscription to be refused');
    await resumed.stop();
    expect(JSON.stringify(resumed.errors)).toContain('CURSOR_EXPIRED');
    expect(resumed.received).toEqual([]);
    // The kept event still resumes, and the feed goes on numbering after it.
    expect((await call<{ dealEvents: { edges: unknown[] } }>(admin, `{ dealEvents { edges { cursor } } }`)).data!.dealEvents.edges).toHaveLength(1);
  });
});

describe('the deal feed in the embedded hub (SQLite, in-process bus)', () => {
  let database: Database;
  let bus: InProcessBus;
  let url: string;
  let close: () => Promise<void>;

  beforeAll(async () => {
    database = await openDealsDatabase({ sqliteFile: ':memory:' });
    bus = new InProcessBus();
    const server = await createDealsServer({ database, bus, gatewaySecret: SECRET });
    const running = await server.start(0);
    url = running.url;
    close = running.close;
    await bus.publish(partnerFacts());
    await receiveTestCatalog(bus, database);
  });

  afterAll(async () => {
    await close();
    await bus.close();
    await database.dataSource.destroy();
  });

  it('resumes a subscription and pages the feed as on MariaDB', async () => {
    const call = subgraphClient(url, SECRET);
    const register = async (i: 0 | 1) => {
      const deadline = Date.now() + 10_000;
      for (;;) {
        const result = await call<{ registerDeal: { id: string } }>(admin, REGISTER, registration(i));
        if (!result.errors) return result.data!.registerDeal.id;
        if (Date.now() > deadline) throw new Error(JSON.stringify(result.errors));
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };
    const first = await register(0);
    const firstEvent = (await call<{ dealEvents: { edges: { node: FeedEvent }[] } }>(admin, `{ dealEvents { edges { node { ${EVENT_FIELDS} } } } }`)).data!.dealEvents.edges;
    expect(firstEvent.map((edge) => edge.node.deal.id)).toEqual([first]);
    const missed = [await register(1), await register(0)];
    const resumed = follow(url, distributor(0), `(after: "${firstEvent[0]!.node.id}")`);
    try {
      await until(() => resumed.received.length >= 1, 'the missed event');
      const live = await register(0);
      await until(() => resumed.received.length >= 2, 'the live event');
      expect(resumed.received.map((event) => event.deal.id)).toEqual([missed[1], live]);
    } finally {
      await resumed.stop();
    }
  });
});
