import type { EntityManager } from 'typeorm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { newId } from '@hub/db';
import type { DomainEvent } from './envelope';
import { applyOnce } from './event-consumer';
import { checkRetentions, EventsPruner } from './events-pruner';
import { OutboxEntity } from './outbox.entity';
import { ParkedEventEntity } from './parked-event.entity';
import { ProcessedEventEntity } from './processed-event.entity';
import { captureLogger, eventually, openEventsTestDatabase, type EventsTestDatabase } from './testing/test-database';
import { TestEffectEntity } from './testing/test-effect.entity';

const DAY_MS = 24 * 60 * 60 * 1000;
const now = new Date('2026-06-30T12:00:00.000Z');
const daysAgo = (days: number) => new Date(now.getTime() - days * DAY_MS);

describe.each(['sqlite', 'mysql'] as const)('events pruner on %s', (dialect) => {
  let db: EventsTestDatabase;
  beforeAll(async () => {
    db = await openEventsTestDatabase(dialect);
  });
  afterAll(() => db?.close());
  beforeEach(async () => {
    for (const table of ['outbox', 'parked_event', 'processed_event', 'test_effect']) await db.database.dataSource.query(`DELETE FROM ${table}`);
  });

  const manager = () => db.database.dataSource.manager;
  const pruner = (batchSize = 3) =>
    new EventsPruner({ database: db.database, outboxRetentionMs: 7 * DAY_MS, processedEventRetentionMs: 30 * DAY_MS, batchSize, now: () => now, logger: captureLogger() });

  async function outboxRow(label: string, publishedAt: Date | null, occurredAt = daysAgo(60)): Promise<string> {
    const id = newId();
    await manager().insert(OutboxEntity, { id, type: 'deal.won', version: 1, source: 'deals', aggregateId: label, payload: { label }, occurredAt, publishedAt });
    return label;
  }

  const remainingOutbox = async () => (await manager().find(OutboxEntity)).map((row) => row.aggregateId).sort();

  it('deletes outbox rows published before the retention, batch by batch, and keeps recent and unpublished ones', async () => {
    const old: string[] = [];
    for (let i = 0; i < 7; i += 1) old.push(await outboxRow(`old-${i}`, daysAgo(8 + i)));
    const kept = [
      await outboxRow('published-6-days-ago', daysAgo(6)),
      await outboxRow('published-just-inside', new Date(daysAgo(7).getTime() + 60_000)),
      // Never published, however old: the relay still owes it to the bus.
      await outboxRow('unpublished-old', null, daysAgo(90)),
    ];

    const prune = pruner(3);
    const batches: number[] = [];
    for (;;) {
      const { outbox } = await prune.pruneBatch();
      batches.push(outbox);
      if (outbox < 3) break;
    }

    expect(batches).toEqual([3, 3, 1]);
    expect(await remainingOutbox()).toEqual([...kept].sort());
  });

  it('deletes processed ids and retried parked events before their retention, and keeps the rest', async () => {
    for (let i = 0; i < 5; i += 1) await manager().insert(ProcessedEventEntity, { consumer: 'c.old', eventId: newId(), processedAt: daysAgo(31 + i) });
    const recentId = newId();
    await manager().insert(ProcessedEventEntity, { consumer: 'c.recent', eventId: recentId, processedAt: daysAgo(29) });
    const parked = (label: string, retriedAt: Date | null) =>
      manager().insert(ParkedEventEntity, { id: newId(), consumer: label, eventId: newId(), type: 'deal.won', version: 9, envelope: '{}', reason: 'test', parkedAt: daysAgo(90), retriedAt });
    await parked('retried-old', daysAgo(40));
    await parked('retried-recent', daysAgo(10));
    await parked('waiting', null);

    const total = await pruner(2).pruneAll();

    expect(total).toEqual({ outbox: 0, processedEvents: 5, parkedEvents: 1 });
    expect(await manager().find(ProcessedEventEntity)).toEqual([expect.objectContaining({ consumer: 'c.recent', eventId: recentId })]);
    expect((await manager().find(ParkedEventEntity)).map((row) => row.consumer).sort()).toEqual(['retried-recent', 'waiting']);
  });

  it('still skips a redelivered event processed within the retention after a prune', async () => {
    const event: DomainEvent = { id: newId(), type: 'deal.won', version: 1, occurredAt: daysAgo(20).toISOString(), source: 'deals', aggregateId: 'deal-1', payload: {} };
    const handle = async (_event: DomainEvent, m: EntityManager) => {
      await m.insert(TestEffectEntity, { id: newId(), consumer: 'test.effect', eventId: event.id });
    };
    expect(await applyOnce(db.database, 'test.effect', event, handle, daysAgo(20))).toBe(true);
    // An older id beside it, which the prune does remove.
    await manager().insert(ProcessedEventEntity, { consumer: 'test.effect', eventId: newId(), processedAt: daysAgo(45) });

    expect((await pruner().pruneAll()).processedEvents).toBe(1);

    expect(await applyOnce(db.database, 'test.effect', event, handle, now)).toBe(false);
    expect(await manager().countBy(TestEffectEntity, { eventId: event.id })).toBe(1);
  });

  it('will not start with a processed retention shorter than the outbox retention', () => {
    expect(() => new EventsPruner({ database: db.database, outboxRetentionMs: 30 * DAY_MS, processedEventRetentionMs: 7 * DAY_MS })).toThrow(/longer than the outbox retention/);
  });

  it('runs on its loop until nothing is left, then stops', async () => {
    for (let i = 0; i < 5; i += 1) await outboxRow(`old-${i}`, daysAgo(10));
    await outboxRow('recent', daysAgo(1));
    const prune = new EventsPruner({ database: db.database, batchSize: 2, intervalMs: 20, now: () => now, logger: captureLogger() });
    prune.start();
    try {
      await eventually('the old outbox rows pruned', async () => (await manager().count(OutboxEntity)) === 1);
    } finally {
      await prune.stop();
    }
    expect(await remainingOutbox()).toEqual(['recent']);
  });
});

describe('checkRetentions', () => {
  it('refuses a processed-event retention not longer than the outbox retention', () => {
    expect(checkRetentions(7 * DAY_MS, 7 * DAY_MS)).toMatch(/longer than the outbox retention/);
    expect(checkRetentions(7 * DAY_MS, 30 * DAY_MS)).toBeNull();
  });
});
