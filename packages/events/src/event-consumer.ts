import type { EntityManager } from 'typeorm';
import type { Database } from '@hub/db';
import type { ConsumeOptions, EventBus, Subscription } from './bus';
import { isDuplicateKeyError } from './duplicate-key';
import type { DomainEvent } from './envelope';
import { ProcessedEventEntity } from './processed-event.entity';

/**
 * Applies one event with `manager`, inside the transaction that records it as processed; `now`
 * is that transaction's time (for rows the handler stamps, such as a parked event's).
 */
export type EventHandle = (event: DomainEvent, manager: EntityManager, now: Date) => Promise<void>;

export interface EventConsumerOptions {
  /** The consumer group on the bus and the `consumer` column of processed_event; stable across deploys. */
  name: string;
  database: Database;
  bus: EventBus;
  /** Applies the event with `manager`, inside the transaction that records it as processed. */
  handle: EventHandle;
  /** Event types this consumer cares about; others are acknowledged without touching the database. Default: all. */
  types?: readonly string[];
  consume?: ConsumeOptions;
  now?: () => Date;
}

/**
 * Applies `event` at most once for consumer `name`: in one transaction it records
 * (name, event id) in processed_event — a redelivered event finds that row and is skipped —
 * and runs `handle` with the same manager. Returns false for a duplicate. If `handle` throws,
 * nothing is recorded, and the bus delivers the event again.
 */
export function applyOnce(
  database: Database,
  name: string,
  event: DomainEvent,
  handle: EventConsumerOptions['handle'],
  now: Date,
): Promise<boolean> {
  return database.transaction(async (manager) => {
    try {
      await manager.insert(ProcessedEventEntity, { consumer: name, eventId: event.id, processedAt: now });
    } catch (error) {
      // The same event in flight twice (a redelivery racing the first attempt) waits here on
      // the first one's row lock, and lands here once that commits.
      if (isDuplicateKeyError(error)) return false;
      throw error;
    }
    await handle(event, manager, now);
    return true;
  });
}

/**
 * An idempotent consumer: a group on the bus whose handler applies each event exactly once to
 * the database, acknowledged only after the transaction committed. A consumer that was down
 * resumes from what the bus retained and catches up.
 */
export function createEventConsumer(options: EventConsumerOptions): Promise<Subscription> {
  const types = options.types ? new Set(options.types) : null;
  const now = options.now ?? (() => new Date());
  return options.bus.consume(
    options.name,
    async (event) => {
      if (types && !types.has(event.type)) return;
      await applyOnce(options.database, options.name, event, options.handle, now());
    },
    options.consume,
  );
}
