import type { EntityManager } from 'typeorm';
import { newId, signalOnCommit } from '@hub/db';
import { checkNewEvent, type DomainEvent, type NewEvent } from './envelope';
import { OutboxEntity } from './outbox.entity';

/** Raised (see `signalOnCommit`) by a transaction that recorded events: the outbox relay wakes on it. */
export const OUTBOX_SIGNAL = 'outbox';
/** Raised with OUTBOX_SIGNAL for each type of event recorded, e.g. `outbox:program.saved`. */
export const outboxSignal = (type: string): string => `${OUTBOX_SIGNAL}:${type}`;

function signalRecorded(manager: EntityManager, types: Iterable<string>): void {
  signalOnCommit(manager, OUTBOX_SIGNAL);
  for (const type of types) signalOnCommit(manager, outboxSignal(type));
}

/**
 * Writes an event to the outbox with the caller's transaction manager, so it commits or rolls
 * back with the state change it describes. Returns the envelope consumers will receive.
 */
export async function recordEvent<P>(manager: EntityManager, event: NewEvent<P>, now: Date): Promise<DomainEvent<P>> {
  const [envelope] = await recordEvents(manager, [event], now);
  return envelope!;
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
      envelopes.slice(i, i + chunkSize).map((envelope) => outboxRow(envelope, now)),
    );
  }
  signalRecorded(manager, new Set(envelopes.map((envelope) => envelope.type)));
  return envelopes;
}

/** The outbox row of an envelope, unpublished. */
function outboxRow(envelope: DomainEvent, now: Date) {
  return {
    id: envelope.id,
    type: envelope.type,
    version: envelope.version,
    source: envelope.source,
    aggregateId: envelope.aggregateId,
    // Already a checked JSON copy (checkNewEvent); simple-json stores any JSON value, but
    // TypeORM's insert typing only knows objects.
    payload: envelope.payload as object,
    occurredAt: now,
    publishedAt: null,
  };
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
