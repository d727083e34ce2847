import { OutboxEntity } from './outbox.entity';
import { ParkedEventEntity } from './parked-event.entity';
import { ProcessedEventEntity } from './processed-event.entity';

export * from './envelope';
export * from './bus';
export * from './logger';
export * from './backoff';
export * from './stream-entry';
export { OutboxEntity } from './outbox.entity';
export { ProcessedEventEntity } from './processed-event.entity';
export { ParkedEventEntity } from './parked-event.entity';
export { AddParkedEvents1796156279405 } from './migrations/AddParkedEvents1796156279405';
export { ProcessedEventAgeIndex1796161448362 } from './migrations/ProcessedEventAgeIndex1796161448362';
export { recordEvent, recordEvents, envelopeOf, OUTBOX_SIGNAL, outboxSignal } from './record-event';
export { OutboxRelay, type OutboxRelayOptions } from './outbox-relay';
export { applyOnce, createEventConsumer, type EventConsumerOptions, type EventHandle } from './event-consumer';
export { InProcessBus, type InProcessBusOptions } from './in-process.bus';
export { RedisStreamsBus, DEFAULT_STREAM_KEY, type RedisStreamsBusOptions } from './redis-streams.bus';
export { BusUnavailableError } from './redis-connection';

/**
 * Add these to a subgraph's entity list, so its migrations create `outbox`, `processed_event`
 * and `parked_event` (the last through the shared AddParkedEvents migration).
 */
export const eventsEntities = [OutboxEntity, ProcessedEventEntity, ParkedEventEntity];
export { Doorbell, sleep } from './timers';
export { PollingLoop, type NextRound, type PollingLoopOptions } from './polling-loop';
export { isDuplicateKeyError } from './duplicate-key';
export { defineConsumer, startConsumer, type Dispatch, type PayloadParser, type StartConsumerOptions, type VersionHandler, type VersionedConsumer, type VersionedHandlers } from './versioned-consumer';
export { ParkedEventsService, type ParkedEventFilter } from './parked-events.service';
export { EventsPruner, checkRetentions, DEFAULT_OUTBOX_RETENTION_MS, DEFAULT_PROCESSED_EVENT_RETENTION_MS, type EventsPrunerOptions, type EventsRetention, type PrunedCounts } from './events-pruner';
