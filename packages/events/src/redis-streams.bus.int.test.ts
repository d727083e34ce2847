import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '@hub/db';
import type { ConsumeOptions, Subscription } from './bus';
import type { DomainEvent } from './envelope';
import { createEventConsumer } from './event-consumer';
import { ProcessedEventEntity } from './processed-event.entity';
import { RedisStreamsBus, type RedisStreamsBusOptions } from './redis-streams.bus';
import { toStreamFields } from './stream-entry';
import { OwnRedisServer } from '@hub/testing';
import { TEST_REDIS_URL, uniqueStreamKey } from './testing/redis';
import { captureLogger, eventually, openEventsTestDatabase, type EventsTestDatabase } from './testing/test-database';
import { TestEffectEntity } from './testing/test-effect.entity';

const quick: ConsumeOptions = { blockMs: 200, retry: { initialMs: 20, maxMs: 200 } };

let sequence = 0;
const event = (type = 'deal.won'): DomainEvent => ({
  id: newId(),
  type,
  version: 1,
  occurredAt: '2026-06-15T10:00:00.000Z',
  source: 'deals',
  aggregateId: `deal-${(sequence += 1)}`,
  payload: { n: sequence },
});

/** Consumer groups on a real Redis: catching up, redelivery, retries, claiming, outages. */
describe('RedisStreamsBus', () => {
  let db: EventsTestDatabase;
  let admin: Redis;
  let logger: ReturnType<typeof captureLogger>;
  const cleanups: (() => Promise<unknown>)[] = [];

  beforeAll(async () => {
    db = await openEventsTestDatabase('mysql');
    admin = new Redis(TEST_REDIS_URL);
  });

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  afterAll(async () => {
    await admin?.quit();
    await db?.close();
  });

  function newBus(options: Partial<RedisStreamsBusOptions> = {}): RedisStreamsBus {
    const streamKey = uniqueStreamKey('bus');
    cleanups.push(() => admin.del(streamKey));
    logger = captureLogger();
    const bus = new RedisStreamsBus({ redis: TEST_REDIS_URL, streamKey, logger, consume: quick, ...options });
    cleanups.push(() => bus.close());
    return bus;
  }

  function track(subscription: Subscription): Subscription {
    cleanups.push(() => subscription.stop());
    return subscription;
  }

  /** A consumer on the database that writes one test_effect row per event it applies. */
  async function ledger(bus: RedisStreamsBus, name: string, options: ConsumeOptions = {}) {
    return track(
      await createEventConsumer({
        name,
        database: db.database,
        bus,
        consume: options,
        handle: async (e, manager) => void (await manager.insert(TestEffectEntity, { id: newId(), consumer: name, eventId: e.id })),
      }),
    );
  }
  const effectsOf = (consumer: string) => db.database.dataSource.manager.findBy(TestEffectEntity, { consumer });
  const pendingCount = async (bus: RedisStreamsBus, group: string) => Number(((await admin.xpending(bus.streamKey, group)) as [number])[0]);

  it('gives a group created after events were published the whole retained history, in order', async () => {
    const bus = newBus();
    const events = [event(), event(), event()];
    await bus.publish(events);
    const seen: DomainEvent[] = [];
    track(await bus.consume('late-group', async (e) => void seen.push(e)));
    await eventually('the history', () => seen.length === 3);
    expect(seen).toEqual(events);
  });

  it('catches a consumer up on what was published while it was down', async () => {
    const bus = newBus();
    const first = await ledger(bus, 'catch-up');
    await bus.publish([event()]);
    await eventually('the first event', async () => (await effectsOf('catch-up')).length === 1);
    await first.stop();

    const missed = [event(), event(), event()];
    await bus.publish(missed);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await effectsOf('catch-up')).toHaveLength(1);

    await ledger(bus, 'catch-up');
    await eventually('the missed events', async () => (await effectsOf('catch-up')).length === 4);
    expect((await effectsOf('catch-up')).map((e) => e.eventId)).toEqual(expect.arrayContaining(missed.map((e) => e.id)));
  });

  it('applies a redelivered event once and acknowledges both deliveries', async () => {
    const bus = newBus();
    const duplicate = event();
    await bus.publish([duplicate, duplicate, event()]);
    await ledger(bus, 'dedupe');
    await eventually('both distinct events', async () => (await effectsOf('dedupe')).length === 2);
    await eventually('nothing pending', async () => (await pendingCount(bus, 'dedupe')) === 0);
    expect((await effectsOf('dedupe')).filter((e) => e.eventId === duplicate.id)).toHaveLength(1);
    expect(await db.database.dataSource.manager.countBy(ProcessedEventEntity, { consumer: 'dedupe' })).toBe(2);
  });

  it('retries a failing handler until it succeeds, with the events behind it waiting their turn', async () => {
    const bus = newBus();
    const order: string[] = [];
    let failuresLeft = 3;
    track(
      await bus.consume('flaky', async (e) => {
        if (e.type === 'deal.flaky' && failuresLeft > 0) {
          failuresLeft -= 1;
          throw new Error('database unavailable');
        }
        order.push(e.type);
      }),
    );
    await bus.publish([event('deal.flaky'), event('deal.after')]);
    await eventually('both events', () => order.length === 2);
    expect(order).toEqual(['deal.flaky', 'deal.after']);
    expect(logger.lines.filter((line) => line.includes('deal.flaky') && line.includes('will be retried'))).toHaveLength(3);
    await eventually('nothing pending', async () => (await pendingCount(bus, 'flaky')) === 0);
  });

  it('hands a restarted consumer the entries it had received but not acknowledged', async () => {
    const bus = newBus();
    const events = [event(), event()];
    await bus.publish(events);
    // A consumer named "worker-1" reads both, then crashes before acknowledging anything.
    await admin.xgroup('CREATE', bus.streamKey, 'crashy', '0', 'MKSTREAM');
    await admin.xreadgroup('GROUP', 'crashy', 'worker-1', 'COUNT', 10, 'STREAMS', bus.streamKey, '>');
    expect(await pendingCount(bus, 'crashy')).toBe(2);

    const seen: string[] = [];
    track(await bus.consume('crashy', async (e) => void seen.push(e.id), { consumer: 'worker-1', claimIdleMs: 60_000 }));
    await eventually('the unacknowledged entries', () => seen.length === 2, 2_000);
    expect(seen).toEqual(events.map((e) => e.id));
    await eventually('nothing pending', async () => (await pendingCount(bus, 'crashy')) === 0);
  });

  it('claims entries a dead consumer left pending once they are idle longer than claimIdleMs', async () => {
    const bus = newBus();
    const events = [event(), event()];
    await bus.publish(events);
    await admin.xgroup('CREATE', bus.streamKey, 'orphans', '0', 'MKSTREAM');
    await admin.xreadgroup('GROUP', 'orphans', 'dead-worker', 'COUNT', 10, 'STREAMS', bus.streamKey, '>');

    const seen: string[] = [];
    const started = Date.now();
    track(await bus.consume('orphans', async (e) => void seen.push(e.id), { consumer: 'rescuer', claimIdleMs: 400 }));
    await eventually('the orphaned entries', () => seen.length === 2, 5_000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    expect(seen).toEqual(events.map((e) => e.id));
    await eventually('nothing pending', async () => (await pendingCount(bus, 'orphans')) === 0);
  });

  it('acknowledges an entry it cannot read rather than stalling the group on it', async () => {
    const bus = newBus();
    await admin.xadd(bus.streamKey, '*', 'id', 'x', 'type', 'broken');
    const good = event();
    await admin.xadd(bus.streamKey, '*', ...toStreamFields(good));
    const seen: string[] = [];
    track(await bus.consume('strict', async (e) => void seen.push(e.id)));
    await eventually('the readable event', () => seen.length === 1);
    expect(seen).toEqual([good.id]);
    expect(logger.lines.some((line) => line.includes('acknowledging an entry it cannot read'))).toBe(true);
    await eventually('nothing pending', async () => (await pendingCount(bus, 'strict')) === 0);
  });

  it('stops promptly while a read is blocked waiting for entries', async () => {
    const bus = newBus();
    const subscription = await bus.consume('idle', async () => undefined, { blockMs: 20_000 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const started = Date.now();
    await subscription.stop();
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('recreates its group when the stream disappears, as after Redis restarting empty', async () => {
    const bus = newBus();
    const seen: string[] = [];
    track(await bus.consume('phoenix', async (e) => void seen.push(e.id)));
    await bus.publish([event()]);
    await eventually('the first event', () => seen.length === 1);
    await admin.del(bus.streamKey);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const after = event();
    await bus.publish([after]);
    await eventually('the event after the loss', () => seen.includes(after.id), 5_000);
  });

  it('trims the stream to about maxLength', async () => {
    const bus = newBus({ maxLength: 100 });
    for (let i = 0; i < 10; i += 1) await bus.publish(Array.from({ length: 100 }, () => event()));
    const length = await admin.xlen(bus.streamKey);
    expect(length).toBeGreaterThanOrEqual(100);
    expect(length).toBeLessThan(400);
  });

  it('survives Redis crashing and coming back: it waits, then goes on consuming, logging the outage once', async () => {
    const server = await OwnRedisServer.start();
    cleanups.push(() => server.remove());
    const bus = newBus({ redis: server.url, readyTimeoutMs: 200 });
    await ledger(bus, 'survivor');
    const before = event();
    await bus.publish([before]);
    await eventually('the event before the crash', async () => (await effectsOf('survivor')).length === 1);

    await server.crash();
    await expect(bus.publish([event()])).rejects.toThrow();
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    await server.resume();

    const after = event();
    await eventually('a publish after the restart', async () => bus.publish([after]).then(() => true, () => false), 5_000);
    await eventually('the event after the restart', async () => (await effectsOf('survivor')).some((e) => e.eventId === after.id), 10_000);
    const outageLines = logger.lines.filter((line) => line.startsWith('error: redis consumer survivor'));
    expect(outageLines).toHaveLength(1);
    expect(logger.lines.some((line) => line.startsWith('info: redis consumer survivor') && line.endsWith('recovered'))).toBe(true);
  });
});
