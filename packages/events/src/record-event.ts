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
