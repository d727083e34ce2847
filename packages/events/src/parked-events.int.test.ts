import type { EntityManager } from 'typeorm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { newId } from '@hub/db';
import type { DomainEvent } from './envelope';
import { InProcessBus } from './in-process.bus';
import { ParkedEventEntity } from './parked-event.entity';
import { ParkedEventsService } from './parked-events.service';
import { ProcessedEventEntity } from './processed-event.entity';
import { captureLogger, eventually, openEventsTestDatabase, type EventsTestDatabase } from './testing/test-database';
import { TestEffectEntity } from './testing/test-effect.entity';
import { defineConsumer, startConsumer, type PayloadParser } from './versioned-consumer';

interface Seats {
  seats: number;
}

/** The payload's `seats`, whatever the payload is. */
const seatsIn = (payload: unknown): unknown => (typeof payload === 'object' && payload !== null && 'seats' in payload ? payload.seats : undefined);

/** A strict reader, as the catalogue's schemas are: seats must be a whole number. */
const strictSeats: PayloadParser<Seats> = (payload) => {
  const seats = seatsIn(payload);
  return typeof seats === 'number' && Number.isInteger(seats) ? { ok: true, value: { seats } } : { ok: false, reason: 'seats: expected an integer' };
};

/** The same consumer after a fix: seats sent as a numeric string are read too. */
const lenientSeats: PayloadParser<Seats> = (payload) => {
  const seats = Number(seatsIn(payload));
  return Number.isInteger(seats) ? { ok: true, value: { seats } } : { ok: false, reason: 'seats: expected an integer' };
};

const CONSUMER = 'test.seats';

const effect = (parse: PayloadParser<Seats>) => ({
  parse,
  apply: async (_payload: Seats, event: DomainEvent<Seats>, manager: EntityManager) => {
    await manager.insert(TestEffectEntity, { id: newId(), consumer: CONSUMER, eventId: event.id });
  },
});

const event = (version: number, payload: unknown): DomainEvent => ({
  id: newId(),
  type: 'deal.won',
  version,
  occurredAt: '2026-06-15T10:00:00.000Z',
  source: 'deals',
  aggregateId: 'deal-1',
  payload,
});

describe.each(['sqlite', 'mysql'] as const)('parked events on %s', (dialect) => {
  let db: EventsTestDatabase;
  beforeAll(async () => {
    db = await openEventsTestDatabase(dialect);
  });
  afterAll(() => db?.close());
  beforeEach(async () => {
    for (const table of ['parked_event', 'processed_event', 'test_effect']) await db.database.dataSource.query(`DELETE FROM ${table}`);
  });

  const effects = (eventId: string) => db.database.dataSource.manager.countBy(TestEffectEntity, { eventId });

  it('parks a bad payload and an unknown version, and the group goes on to the next event', async () => {
    const consumer = defineConsumer(CONSUMER, { 'deal.won': { 1: effect(strictSeats) } }, captureLogger());
    const bus = new InProcessBus({ logger: captureLogger() });
    try {
      const bad = event(1, { seats: 'ten' });
      const future = event(2, { seats: 10, currency: 'EUR' });
      const good = event(1, { seats: 10 });
      const other = { ...event(1, {}), type: 'partner.created' };
      await bus.publish([bad, future, other, good]);
      const subscription = await startConsumer(consumer, { database: db.database, bus });
      await eventually('the good event applied', async () => (await effects(good.id)) === 1);
      await subscription.stop();

      const parked = await db.database.dataSource.manager.find(ParkedEventEntity, { order: { id: 'ASC' } });
      expect(parked.map((row) => [row.eventId, row.version, row.retriedAt])).toEqual([
        [bad.id, 1, null],
        [future.id, 2, null],
      ]);
      expect(parked[0]!.reason).toBe('invalid deal.won v1 payload: seats: expected an integer');
      expect(parked[1]!.reason).toBe('unknown version 2 of deal.won; test.seats handles version 1');
      expect(JSON.parse(parked[1]!.envelope)).toEqual(future);
      // Parked events are processed (the group moved on); a type the consumer ignores is not even recorded.
      const processed = await db.database.dataSource.manager.findBy(ProcessedEventEntity, { consumer: CONSUMER });
      expect(processed.map((row) => row.eventId).sort()).toEqual([bad.id, future.id, good.id].sort());
      expect(await effects(bad.id)).toBe(0);
    } finally {
      await bus.close();
    }
  });

  it('a retry after the fix delivers the parked event exactly once; before the fix it stays parked', async () => {
    const bad = event(1, { seats: '10' });
    const future = event(2, { seats: 12 });
    const before = defineConsumer(CONSUMER, { 'deal.won': { 1: effect(strictSeats) } }, captureLogger());
    const now = new Date();
    for (const e of [bad, future]) await db.database.transaction((manager) => before.handle(e, manager, now));
    const [parkedBad, parkedFuture] = await db.database.dataSource.manager.find(ParkedEventEntity, { order: { id: 'ASC' } });

    const unfixed = new ParkedEventsService(db.database, [before]);
    await expect(unfixed.retry(parkedBad!.id)).rejects.toMatchObject({ code: 'EVENTS.STILL_PARKED' });
    expect((await db.database.dataSource.manager.findOneByOrFail(ParkedEventEntity, { id: parkedBad!.id })).retriedAt).toBeNull();

    const fixed = defineConsumer(CONSUMER, { 'deal.won': { 1: effect(lenientSeats), 2: effect(strictSeats) } }, captureLogger());
    const service = new ParkedEventsService(db.database, [fixed]);
    const retried = await Promise.allSettled([service.retry(parkedBad!.id), service.retry(parkedBad!.id)]);
    expect(retried.map((result) => result.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(retried.find((result) => result.status === 'rejected')).toMatchObject({ reason: { code: 'EVENTS.ALREADY_RETRIED' } });
    await service.retry(parkedFuture!.id);

    expect(await effects(bad.id)).toBe(1);
    expect(await effects(future.id)).toBe(1);
    const pending = await service.list({ pending: true }, { first: 10 });
    expect(pending.totalCount).toBe(0);
    const done = await service.list({ pending: false }, { first: 1 });
    expect(done.totalCount).toBe(2);
    expect(done.nodes.map((row) => row.eventId)).toEqual([bad.id]);
    expect(done.hasNextPage).toBe(true);
    await expect(service.retry('no-such-id')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
