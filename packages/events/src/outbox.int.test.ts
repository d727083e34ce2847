import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { newId, pendingSchemaChanges, type Database } from '@hub/db';
import type { Subscription } from './bus';
import type { DomainEvent } from './envelope';
import { createEventConsumer } from './event-consumer';
import { OutboxEntity } from './outbox.entity';
import { OutboxRelay } from './outbox-relay';
import { ProcessedEventEntity } from './processed-event.entity';
import { recordEvent } from './record-event';
import { BusUnavailableError } from './redis-connection';
import { RedisStreamsBus } from './redis-streams.bus';
import { ControllableBus } from './testing/controllable-bus';
import { OwnRedisServer, freePort } from '@hub/testing';
import { TEST_REDIS_URL, streamEvents, uniqueStreamKey } from './testing/redis';
import { captureLogger, eventually, openEventsTestDatabase, type EventsTestDatabase } from './testing/test-database';
import { TestEffectEntity } from './testing/test-effect.entity';

const fastRetry = { initialMs: 20, maxMs: 200 };

/** The transactional outbox on MariaDB, relayed to Redis Streams. */
describe('outbox on MariaDB relayed to Redis Streams', () => {
  let db: EventsTestDatabase;
  let admin: Redis;
  const cleanups: (() => Promise<unknown>)[] = [];

  beforeAll(async () => {
    db = await openEventsTestDatabase('mysql');
    admin = new Redis(TEST_REDIS_URL);
  });

  afterEach(async () => {
    // Newest first: consumers and relays stop before the buses and servers they use.
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    await db.database.dataSource.query('DELETE FROM outbox');
    await db.database.dataSource.query('DELETE FROM processed_event');
    await db.database.dataSource.query('DELETE FROM test_effect');
  });

  afterAll(async () => {
    await admin?.quit();
    await db?.close();
  });

  function streamKey(label: string): string {
    const key = uniqueStreamKey(label);
    cleanups.push(() => admin.del(key));
    return key;
  }

  function redisBus(options: ConstructorParameters<typeof RedisStreamsBus>[0]): RedisStreamsBus {
    const bus = new RedisStreamsBus({ consume: { blockMs: 200, retry: fastRetry }, ...options });
    cleanups.push(() => bus.close());
    return bus;
  }

  function relayFor(options: ConstructorParameters<typeof OutboxRelay>[0]): OutboxRelay {
    const relay = new OutboxRelay(options);
    cleanups.push(() => relay.stop());
    return relay;
  }

  const at = new Date('2026-06-15T10:00:00.250Z');
  const record = (database: Database, aggregateId: string) =>
    database.transaction((manager) => recordEvent(manager, { type: 'deal.won', source: 'deals', aggregateId, payload: { aggregateId, amount: '1250000' } }, at));
  const unpublished = () => db.database.dataSource.getRepository(OutboxEntity).createQueryBuilder('o').where('o.publishedAt IS NULL').getCount();
  const effects = () => db.database.dataSource.manager.find(TestEffectEntity);

  it('has a test migration that matches the entities', async () => {
    const runner = db.database.dataSource.createQueryRunner();
    try {
      expect(await pendingSchemaChanges(runner)).toEqual([]);
    } finally {
      await runner.release();
    }
  });

  it('commits a state change and its event together, and neither when the transaction throws', async () => {
    await expect(
      db.database.transaction(async (manager) => {
        await manager.insert(TestEffectEntity, { id: newId(), consumer: 'state', eventId: 'n/a' });
        await recordEvent(manager, { type: 'deal.won', source: 'deals', aggregateId: 'deal-1', payload: {} }, at);
        throw new Error('validation failed after the event was recorded');
      }),
    ).rejects.toThrow('validation failed');
    expect(await db.database.dataSource.manager.count(OutboxEntity)).toBe(0);
    expect(await effects()).toEqual([]);

    const event = await db.database.transaction(async (manager) => {
      await manager.insert(TestEffectEntity, { id: newId(), consumer: 'state', eventId: 'n/a' });
      return recordEvent(manager, { type: 'deal.won', source: 'deals', aggregateId: 'deal-2', payload: { seats: 501 } }, at);
    });
    expect(await effects()).toHaveLength(1);
    const row = await db.database.dataSource.manager.findOneByOrFail(OutboxEntity, { id: event.id });
    expect(row.occurredAt.toISOString()).toBe('2026-06-15T10:00:00.250Z');
    expect(row.publishedAt).toBeNull();
  });

  it('fails a relay fast when Redis is unreachable, keeping the rows for a later attempt', async () => {
    const closedPort = await freePort();
    const logger = captureLogger();
    const relay = relayFor({ database: db.database, bus: redisBus({ redis: `redis://127.0.0.1:${closedPort}`, streamKey: streamKey('closed'), readyTimeoutMs: 300, logger }), logger });
    await record(db.database, 'deal-1');
    await record(db.database, 'deal-2');

    const started = Date.now();
    await expect(relay.relayOnce()).rejects.toThrow(BusUnavailableError);
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(await unpublished()).toBe(2);

    const key = streamKey('working');
    const working = relayFor({ database: db.database, bus: redisBus({ redis: TEST_REDIS_URL, streamKey: key, logger }), logger });
    expect(await working.relayOnce()).toBe(2);
    expect((await streamEvents(admin, key)).map((e) => e.aggregateId)).toEqual(['deal-1', 'deal-2']);
  });

  it('keeps committing while Redis is down, and delivers every event exactly once when it returns', async () => {
    const server = await OwnRedisServer.start();
    cleanups.push(() => server.remove());
    const logger = captureLogger();
    const key = uniqueStreamKey('outage');
    const bus = redisBus({ redis: server.url, streamKey: key, readyTimeoutMs: 200, logger });
    const relay = relayFor({ database: db.database, bus, intervalMs: 50, batchSize: 7, logger });
    const handled = new Map<string, number>();
    const consumer: Subscription = await createEventConsumer({
      name: 'ledger',
      database: db.database,
      bus,
      handle: async (event, manager) => {
        await manager.insert(TestEffectEntity, { id: newId(), consumer: 'ledger', eventId: event.id });
        handled.set(event.id, (handled.get(event.id) ?? 0) + 1);
      },
    });
    cleanups.push(() => consumer.stop());
    relay.start();

    const recorded: DomainEvent[] = [];
    for (let i = 0; i < 3; i += 1) recorded.push(await record(db.database, `before-${i}`));
    relay.notify();
    await eventually('the first events applied', async () => (await effects()).length === 3);

    await server.crash();
    for (let i = 0; i < 20; i += 1) {
      recorded.push(await record(db.database, `during-${i}`));
      relay.notify();
    }
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(await unpublished()).toBe(20);
    expect(logger.lines.filter((line) => line.startsWith('error: outbox relay failed'))).toHaveLength(1);

    await server.resume();
    await eventually('all 23 events applied', async () => (await effects()).length >= 23, 20_000);
    await new Promise((resolve) => setTimeout(resolve, 500));

    const applied = (await effects()).map((effect) => effect.eventId).sort();
    expect(applied).toEqual(recorded.map((event) => event.id).sort());
    expect([...handled.values()].every((count) => count === 1)).toBe(true);
    expect(await db.database.dataSource.manager.countBy(ProcessedEventEntity, { consumer: 'ledger' })).toBe(23);
    expect(await unpublished()).toBe(0);
    const own = new Redis(server.url);
    const inStream = (await streamEvents(own, key)).map((e) => e.id);
    await own.quit();
    expect(inStream).toHaveLength(23);
    expect(new Set(inStream).size).toBe(23);
    expect(logger.lines).toContain('info: outbox relay recovered');
  });

  it('publishes a backlog of 500 exactly once with two relays draining it in parallel', async () => {
    const other = await db.openAnother();
    const recorded: string[] = [];
    for (let batch = 0; batch < 5; batch += 1) {
      await db.database.transaction(async (manager) => {
        for (let i = 0; i < 100; i += 1) recorded.push((await recordEvent(manager, { type: 'deal.won', source: 'deals', aggregateId: `deal-${batch}-${i}`, payload: {} }, at)).id);
      });
    }
    const key = streamKey('parallel');
    const logger = captureLogger();
    const relays = [
      relayFor({ database: db.database, bus: redisBus({ redis: TEST_REDIS_URL, streamKey: key, logger }), batchSize: 20, logger }),
      relayFor({ database: other, bus: redisBus({ redis: TEST_REDIS_URL, streamKey: key, logger }), batchSize: 20, logger }),
    ];
    const drain = async (relay: OutboxRelay) => {
      let total = 0;
      for (let relayed = await relay.relayOnce(); relayed > 0; relayed = await relay.relayOnce()) total += relayed;
      return total;
    };
    const counts = await Promise.all(relays.map(drain));

    expect(counts[0]! + counts[1]!).toBe(500);
    const published = (await streamEvents(admin, key)).map((event) => event.id);
    expect(published).toHaveLength(500);
    expect(new Set(published).size).toBe(500);
    expect([...published].sort()).toEqual([...recorded].sort());
    expect(await unpublished()).toBe(0);
  });

  it('skips the rows another relay holds (FOR UPDATE SKIP LOCKED) instead of waiting for or republishing them', async () => {
    const other = await db.openAnother();
    const recorded: string[] = [];
    for (let i = 0; i < 10; i += 1) recorded.push((await record(db.database, `deal-${i}`)).id);
    const key = streamKey('skip-locked');
    const logger = captureLogger();
    const slowBus = new ControllableBus(redisBus({ redis: TEST_REDIS_URL, streamKey: key, logger }));
    const slow = relayFor({ database: db.database, bus: slowBus, batchSize: 4, logger });
    const fast = relayFor({ database: other, bus: redisBus({ redis: TEST_REDIS_URL, streamKey: key, logger }), batchSize: 100, logger });

    const held = slowBus.hold();
    const slowRun = slow.relayOnce();
    await held.entered;
    const started = Date.now();
    expect(await fast.relayOnce()).toBe(6);
    expect(Date.now() - started).toBeLessThan(5_000);
    held.release();
    expect(await slowRun).toBe(4);

    const published = (await streamEvents(admin, key)).map((event) => event.id);
    expect(published).toEqual([...recorded.slice(4), ...recorded.slice(0, 4)]);
  });
});
