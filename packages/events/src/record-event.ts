import type { EntityManager } from 'typeorm';
import { newId } from '@hub/db';
import { checkNewEvent, type DomainEvent, type NewEvent } from './envelope';
import { OutboxEntity } from './outbox.entity';

/**
 * Writes an event to the outbox with the caller's transaction manager, so it commits or rolls
 * back with the state change it describes. Returns the envelope consumers will receive.
 */
export async function recordEvent<P>(manager: EntityManager, event: NewEvent<P>, now: Date): Promise<DomainEvent<P>> {
  const { version, payload } = checkNewEvent(event);
  const envelope: DomainEvent<P> = {
    id: newId(),
    type: event.type,
    version,
    occurredAt: now.toISOString(),
    source: event.source,
    aggregateId: event.aggregateId,
    payload,
  };
  await manager.insert(OutboxEntity, {
    id: envelope.id,
    type: envelope.type,
    version,
    source: envelope.source,
    aggregateId: envelope.aggregateId,
    // simple-json stores any JSON value; TypeORM's insert typing only knows objects.
    payload: payload as object,
    occurredAt: now,
    publishedAt: null,
  });
  return envelope;
}

/** Many events in one INSERT, for batch jobs that change many aggregates in one transaction. */
export async function recordEvents<P>(manager: EntityManager, events: readonly NewEvent<P>[], now: Date, chunkSize = 500): Promise<DomainEvent<P>[]> {
  const envelopes: DomainEvent<P>[] = events.map((event) => {
    const { version, payload } = checkNewEvent(event);
    return { id: newId(), type: event.type, version, occurredAt: now.toISOString(), source: event.source, aggregateId: event.aggregateId, payload };
  });
  for (let i = 0; i < envelopes.length; i += chunkSize) {
    await manager.insert(
      OutboxEntity,
      envelopes.slice(i, i + chunkSize).map((envelope) => ({
        id: envelope.id,
        type: envelope.type,
        version: envelope.version,
        source: envelope.source,
        aggregateId: envelope.aggregateId,
        payload: envelope.payload as object,
        occurredAt: now,
        publishedAt: null,
      })),
    );
  }
  return envelopes;
}

export function envelopeOf(row: OutboxEntity): DomainEvent {
  return {
    id: row.id,
    type: row.type,
    version: row.version,
    occurredAt: row.occurredAt.toISOString(),
    source: row.source,
    aggregateId: row.aggregateId,
    payload: row.payload,
  };
}
