import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { newId, type Database } from '@hub/db';
import type { Subscription } from './bus';
import { createEventConsumer } from './event-consumer';
import { OutboxRelay } from './outbox-relay';
import { ProcessedEventEntity } from './processed-event.entity';
import { recordEvent } from './record-event';
import { RedisStreamsBus } from './redis-streams.bus';
import { TEST_REDIS_URL, streamEvents, uniqueStreamKey } from './testing/redis';
import { captureLogger, eventually, openEventsTestDatabase, type EventsTestDatabase } from './testing/test-database';
import { TestEffectEntity } from './testing/test-effect.entity';

/**
 * A Redis that restarts without persistence forgets the stream, its groups and the epoch key
 * beside it. Simulated on the shared Redis on this test's own keys only: DEL of the stream and
 * the epoch key (never FLUSHALL).
 */
describe('events survive a Redis that forgot them (MariaDB outbox, Redis Streams)', () => {
  let db: EventsTestDatabase;
  let admin: Redis;
  const cleanups: (() => Promise<unknown>)[] = [];

  beforeAll(async () => {
    db = await openEventsTestDatabase('mysql');
    admin = new Redis(TEST_REDIS_URL);
  });

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    await db.database.dataSource.query('DELETE FROM outbox');
    await db.database.dataSource.query('DELETE FROM processed_event');
    await db.database.dataSource.query('DELETE FROM test_effect');
  });

  afterAll(async () => {
    await admin?.quit();
    await db?.close();
  });

  async function setUp(label: string) {
    const key = uniqueStreamKey(label);
    const logger = captureLogger();
    const bus = new RedisStreamsBus({ redis: TEST_REDIS_URL, streamKey: key, consume: { blockMs: 100, retry: { initialMs: 20, maxMs: 200 } }, logger });
    const relay = new OutboxRelay({ database: db.database, bus, intervalMs: 50, streamCheckMs: 100, owner: 'deals', logger });
    const handled = new Map<string, number>();
    let consumer: Subscription | null = null;
    const startConsumer = async () => {
      consumer = await createEventConsumer({
        name: 'ledger',
        database: db.database,
        bus,
        handle: async (event, manager) => {
          await manager.insert(TestEffectEntity, { id: newId(), consumer: 'ledger', eventId: event.id });
          handled.set(event.id, (handled.get(event.id) ?? 0) + 1);
        },
      });
    };
    const stopConsumer = async () => {
      await consumer?.stop();
      consumer = null;
    };
    // Restarted empty: the stream, its groups and the epoch beside it are gone.
    const forget = () => admin.del(key, bus.epochKey('deals'));
    cleanups.push(() => admin.del(key, bus.epochKey('deals')));
    cleanups.push(() => bus.close());
    cleanups.push(() => relay.stop());
    cleanups.push(stopConsumer);
    return { key, bus, relay, logger, handled, startConsumer, stopConsumer, forget };
  }

  const record = (database: Database, aggregateId: string) =>
    database.transaction((manager) => recordEvent(manager, { type: 'deal.won', source: 'deals', aggregateId, payload: { aggregateId } }, new Date()));
  const effects = async () => (await db.database.dataSource.manager.find(TestEffectEntity)).map((effect) => effect.eventId);

  it('consumes, exactly once after the wipe, an event that was published but not yet consumed before it', async () => {
    const { key, relay, logger, handled, startConsumer, stopConsumer, forget } = await setUp('forgot');
    await startConsumer();
    relay.start();
    const first = await record(db.database, 'deal-1');
    await eventually('the first event applied', async () => (await effects()).includes(first.id));
    // Everything so far consumed: the relay's next check notes it, so the replay starts after it.
    await new Promise((resolve) => setTimeout(resolve, 300));

    await stopConsumer();
    const unconsumed = await record(db.database, 'deal-2');
    await eventually('the second event published', async () => (await streamEvents(admin, key)).some((event) => event.id === unconsumed.id));
    await forget();
    expect(await admin.exists(key)).toBe(0);

    await startConsumer();
    const after = await record(db.database, 'deal-3');
    await eventually('every event applied', async () => [first.id, unconsumed.id, after.id].every((id) => handled.has(id)), 10_000);
    await new Promise((resolve) => setTimeout(resolve, 300));

    expect((await effects()).sort()).toEqual([first.id, unconsumed.id, after.id].sort());
    expect([...handled.values()]).toEqual([1, 1, 1]);
    expect(await db.database.dataSource.manager.countBy(ProcessedEventEntity, { consumer: 'ledger' })).toBe(3);
    // The replay started after what had been consumed: the first event was not published again.
    const republished = (await streamEvents(admin, key)).map((event) => event.id);
    expect(republished).toContain(unconsumed.id);
    expect(republished).not.toContain(first.id);
    expect(logger.lines.some((line) => line.includes('the bus restarted empty') && line.includes('published again the'))).toBe(true);
  });

  it('feeds a bus emptied while no relay ran: a new relay finding no epoch publishes the kept rows again', async () => {
    const { key, bus, relay, forget } = await setUp('while-down');
    const recorded: string[] = [];
    for (let i = 0; i < 3; i += 1) recorded.push((await record(db.database, `deal-${i}`)).id);
    expect(await relay.relayOnce()).toBe(3);
    // The process stops; Redis restarts empty; a new process's relay looks first.
    await forget();
    const next = new OutboxRelay({ database: db.database, bus, owner: 'deals', logger: captureLogger() });
    expect(await next.checkStream()).toBe(3);
    expect((await streamEvents(admin, key)).map((event) => event.id)).toEqual(recorded);
    // A new process finding the epoch in place publishes nothing again.
    expect(await new OutboxRelay({ database: db.database, bus, owner: 'deals', logger: captureLogger() }).checkStream()).toBe(0);
  });

  it('publishes again every kept row when it never saw the stream consumed, in id order, and nothing while the epoch holds', async () => {
    const { key, relay, forget } = await setUp('never-seen');
    const recorded: string[] = [];
    for (let i = 0; i < 5; i += 1) recorded.push((await record(db.database, `deal-${i}`)).id);
    expect(await relay.relayOnce()).toBe(5);
    // The first look learns the epoch the publish started; while it holds, nothing goes out again.
    expect(await relay.checkStream()).toBe(0);
    await forget();
    await new Promise((resolve) => setTimeout(resolve, 150));
    // No group had consumed anything: every kept row goes out again, in order.
    expect(await relay.checkStream()).toBe(5);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(await relay.checkStream()).toBe(0);
    expect((await streamEvents(admin, key)).map((event) => event.id)).toEqual(recorded);
  });
});
