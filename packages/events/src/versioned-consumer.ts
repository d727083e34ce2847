import type { EntityManager } from 'typeorm';
import { newId, type Database } from '@hub/db';
import type { ConsumeOptions, EventBus, Subscription } from './bus';
import type { DomainEvent } from './envelope';
import { createEventConsumer } from './event-consumer';
import { consoleLogger, type EventsLogger } from './logger';
import { ParkedEventEntity } from './parked-event.entity';

/** Reads a payload against its schema: the typed value, or why it is not one. */
export type PayloadParser<P> = (payload: unknown) => { ok: true; value: P } | { ok: false; reason: string };

/** How a consumer handles one version of one event type: check the payload, then apply it. */
export interface VersionHandler<P> {
  parse: PayloadParser<P>;
  apply: (payload: P, event: DomainEvent<P>, manager: EntityManager) => Promise<void>;
}

/**
 * Handlers by event type, then by payload version. The schema-aware side (the event
 * catalogue) builds each VersionHandler; this package only dispatches and parks.
 */
// The payload type differs per entry; each entry is built typed, so the table erases it.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type VersionedHandlers = Readonly<Record<string, Readonly<Record<number, VersionHandler<any>>>>>;

/** What to do with one delivered event: apply it, or park it for this reason. */
export type Dispatch = { ok: true; apply: (manager: EntityManager) => Promise<void> } | { ok: false; reason: string };

export interface VersionedConsumer {
  /** The consumer group on the bus and the `consumer` of processed_event and parked_event. */
  name: string;
  /** The types it handles, derived from its handlers; others are acknowledged untouched. */
  types: readonly string[];
  /** The handler of the event's type and version with its checked payload; null for a type it does not handle. */
  dispatch(event: DomainEvent): Dispatch | null;
  /**
   * Applies `event`, or parks it with `manager` — in the transaction that marks it processed —
   * so a bad payload or an unknown version never holds up the events behind it.
   */
  handle(event: DomainEvent, manager: EntityManager, now: Date): Promise<void>;
}

export function defineConsumer(name: string, handlers: VersionedHandlers, logger: EventsLogger = consoleLogger): VersionedConsumer {
  const types = Object.keys(handlers);

  function dispatch(event: DomainEvent): Dispatch | null {
    const versions = Object.hasOwn(handlers, event.type) ? handlers[event.type] : undefined;
    if (!versions) return null;
    const handler = Object.hasOwn(versions, event.version) ? versions[event.version] : undefined;
    if (!handler) return { ok: false, reason: `unknown version ${event.version} of ${event.type}; ${name} handles version ${Object.keys(versions).join(', ')}` };
    const parsed = handler.parse(event.payload);
    if (!parsed.ok) return { ok: false, reason: `invalid ${event.type} v${event.version} payload: ${parsed.reason}` };
    const typed: DomainEvent = { ...event, payload: parsed.value };
    return { ok: true, apply: (manager) => handler.apply(parsed.value, typed, manager) };
  }

  return {
    name,
    types,
    dispatch,
    async handle(event, manager, now) {
      const route = dispatch(event);
      if (!route) return;
      if (route.ok) return route.apply(manager);
      await manager.insert(ParkedEventEntity, {
        id: newId(),
        consumer: name,
        eventId: event.id,
        type: event.type,
        version: event.version,
        envelope: JSON.stringify(event),
        reason: route.reason,
        parkedAt: now,
        retriedAt: null,
      });
      logger.error(`${name} parked ${event.type} v${event.version} ${event.id}: ${route.reason}`);
    },
  };
}

export interface StartConsumerOptions {
  database: Database;
  bus: EventBus;
  consume?: ConsumeOptions;
  now?: () => Date;
}

/** Subscribes a versioned consumer to the bus: exactly-once application, parking what it cannot apply. */
export function startConsumer(consumer: VersionedConsumer, options: StartConsumerOptions): Promise<Subscription> {
  return createEventConsumer({
    name: consumer.name,
    database: options.database,
    bus: options.bus,
    types: consumer.types,
    handle: consumer.handle,
    ...(options.consume ? { consume: options.consume } : {}),
    ...(options.now ? { now: options.now } : {}),
  });
}
