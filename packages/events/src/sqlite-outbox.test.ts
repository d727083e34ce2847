import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newId, pendingSchemaChanges } from '@hub/db';
import type { Subscription } from './bus';
import { createEventConsumer } from './event-consumer';
import { InProcessBus } from './in-process.bus';
import { OutboxEntity } from './outbox.entity';
import { OutboxRelay } from './outbox-relay';
import { ProcessedEventEntity } from './processed-event.entity';
import { recordEvent } from './record-event';
import { ControllableBus } from './testing/controllable-bus';
import { captureLogger, eventually, openEventsTestDatabase, type EventsTestDatabase } from './testing/test-database';
import { TestEffectEntity } from './testing/test-effect.entity';

/** The embedded mode: the outbox in SQLite, relayed to the in-process bus. */
describe('outbox on SQLite with the in-process bus', () => {
  let db: EventsTestDatabase;
  let logger: ReturnType<typeof captureLogger>;
  let bus: ControllableBus;
  let relay: OutboxRelay;
  const subscriptions: Subscription[] = [];
  const now = new Date('2026-06-15T10:00:00.123Z');

  beforeEach(async () => {
    db = await openEventsTestDatabase('sqlite');
    logger = captureLogger();
    bus = new ControllableBus(new InProcessBus({ logger, retry: { initialMs: 5, maxMs: 20 } }));
    relay = new OutboxRelay({ database: db.database, bus, batchSize: 10, intervalMs: 20, logger });
  });

  afterEach(async () => {
    await relay.stop();
    await Promise.all(subscriptions.splice(0).map((s) => s.stop()));
    await bus.close();
    await db.close();
  });

  const record = (aggregateId: string, type = 'deal.won') =>
    db.database.transaction((manager) => recordEvent(manager, { type, source: 'deals', aggregateId, payload: { aggregateId } }, now));
  const unpublishedRows = () => db.database.dataSource.getRepository(OutboxEntity).createQueryBuilder('o').where('o.publishedAt IS NULL').getCount();
  const effects = () => db.database.dataSource.manager.find(TestEffectEntity);
  const ledger = (name = 'ledger', handle?: (eventId: string) => void) =>
    createEventConsumer({
      name,
      database: db.database,
      bus,
      handle: async (event, manager) => {
        await manager.insert(TestEffectEntity, { id: newId(), consumer: name, eventId: event.id });
        handle?.(event.id);
      },
    }).then((subscription) => void subscriptions.push(subscription));

  it('has a test migration that matches the entities', async () => {
    const runner = db.database.dataSource.createQueryRunner();
    try {
      expect(await pendingSchemaChanges(runner)).toEqual([]);
    } finally {
      await runner.release();
    }
  });

  it('commits an event with its transaction and drops it when the transaction fails', async () => {
    await expect(
      db.database.transaction(async (manager) => {
        await recordEvent(manager, { type: 'deal.won', source: 'deals', aggregateId: 'deal-1', payload: {} }, now);
        throw new Error('the state change failed');
      }),
    ).rejects.toThrow('the state change failed');
    expect(await db.database.dataSource.manager.count(OutboxEntity)).toBe(0);

    const recorded = await record('deal-2');
    const row = await db.database.dataSource.manager.findOneByOrFail(OutboxEntity, { id: recorded.id });
    expect(row).toMatchObject({ type: 'deal.won', version: 1, source: 'deals', aggregateId: 'deal-2', payload: { aggregateId: 'deal-2' }, publishedAt: null });
    expect(row.occurredAt.toISOString()).toBe('2026-06-15T10:00:00.123Z');
  });

  it('relays oldest first, marks what it published, and relays nothing twice', async () => {
    const recorded = [];
    for (let i = 0; i < 25; i += 1) recorded.push(await record(`deal-${i}`));
    const delivered: unknown[] = [];
    subscriptions.push(await bus.consume('probe', async (event) => void delivered.push(event)));

    expect(await relay.relayOnce()).toBe(10);
    expect(await relay.relayOnce()).toBe(10);
    expect(await relay.relayOnce()).toBe(5);
    expect(await relay.relayOnce()).toBe(0);
    expect(await unpublishedRows()).toBe(0);
    await eventually('25 deliveries', () => delivered.length === 25);
    expect(delivered).toEqual(recorded);
  });

  it('keeps events while the bus is down, logs the outage once, and delivers each exactly once when it returns', async () => {
    await ledger();
    relay.start();
    await record('before');
    await eventually('the first event applied', async () => (await effects()).length === 1);

    bus.down = true;
    const during = [];
    for (let i = 0; i < 5; i += 1) during.push(await record(`during-${i}`));
    relay.notify();
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(await unpublishedRows()).toBe(5);
    expect(logger.lines.filter((line) => line.startsWith('error: outbox relay failed'))).toHaveLength(1);

    bus.down = false;
    await eventually('all six events applied', async () => (await effects()).length === 6);
    const applied = (await effects()).map((effect) => effect.eventId);
    expect(new Set(applied).size).toBe(6);
    expect(applied).toEqual(expect.arrayContaining(during.map((e) => e.id)));
    expect(await unpublishedRows()).toBe(0);
    expect(logger.lines).toContain('info: outbox relay recovered');
  });

  it('applies a redelivered event once', async () => {
    let calls = 0;
    await ledger('ledger', () => (calls += 1));
    const event = await record('deal-1');
    await bus.publish([event]);
    await bus.publish([event]);
    await bus.publish([(await record('deal-2'))]);
    await eventually('both events applied', async () => (await effects()).length === 2);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(calls).toBe(2);
    expect(await db.database.dataSource.manager.countBy(ProcessedEventEntity, { consumer: 'ledger' })).toBe(2);
  });

  it('retries a failing handler; the failed attempts leave nothing behind', async () => {
    let attempts = 0;
    subscriptions.push(
      await createEventConsumer({
        name: 'flaky',
        database: db.database,
        bus,
        handle: async (event, manager) => {
          await manager.insert(TestEffectEntity, { id: newId(), consumer: 'flaky', eventId: event.id });
          attempts += 1;
          if (attempts < 3) throw new Error('downstream busy');
        },
      }),
    );
    await bus.publish([await record('deal-1')]);
    await eventually('the third attempt', () => attempts === 3);
    await eventually('one effect', async () => (await effects()).length === 1);
    expect(await db.database.dataSource.manager.countBy(ProcessedEventEntity, { consumer: 'flaky' })).toBe(1);
  });

  it('catches a stopped consumer up when it starts again', async () => {
    relay.start();
    await ledger();
    await record('deal-1');
    await eventually('the first event applied', async () => (await effects()).length === 1);
    await subscriptions.pop()!.stop();
    await record('deal-2');
    await record('deal-3');
    await eventually('the relay to publish', async () => (await unpublishedRows()) === 0);
    expect(await effects()).toHaveLength(1);
    await ledger();
    await eventually('the missed events applied', async () => (await effects()).length === 3);
  });

  it('relays at once on notify rather than at the next poll', async () => {
    const slowRelay = new OutboxRelay({ database: db.database, bus, intervalMs: 60_000, logger });
    slowRelay.start();
    try {
      await ledger();
      await new Promise((resolve) => setTimeout(resolve, 20));
      await record('deal-1');
      const started = Date.now();
      slowRelay.notify();
      await eventually('the event applied', async () => (await effects()).length === 1, 2_000);
      expect(Date.now() - started).toBeLessThan(2_000);
    } finally {
      await slowRelay.stop();
    }
  });

  it('acknowledges event types a consumer does not handle without recording them', async () => {
    const handled: string[] = [];
    subscriptions.push(
      await createEventConsumer({ name: 'won-only', database: db.database, bus, types: ['deal.won'], handle: async (event) => void handled.push(event.type) }),
    );
    await bus.publish([await record('deal-1', 'deal.submitted'), await record('deal-1', 'deal.won')]);
    await eventually('the won event', () => handled.length === 1);
    expect(handled).toEqual(['deal.won']);
    expect(await db.database.dataSource.manager.countBy(ProcessedEventEntity, { consumer: 'won-only' })).toBe(1);
  });
});
