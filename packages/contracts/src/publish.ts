import type { EntityManager } from 'typeorm';
import { InvalidEventError, recordEvent, recordEvents, type DomainEvent } from '@hub/events';
import { contractOf, type EventPayload, type EventType, type EventVersion } from './catalogue';
import { describeIssues } from './validate';

/** An event as a publisher builds it: the payload's type is the catalogue's for that type and version. */
export interface ContractEvent<T extends EventType, V extends EventVersion<T>> {
  type: T;
  version: V;
  source: string;
  aggregateId: string;
  payload: EventPayload<T, V>;
}

/**
 * The payload that the catalogue's schema reads (undeclared fields dropped), or an
 * InvalidEventError: a publisher that builds a payload its own contract refuses has a bug,
 * and its transaction must not commit the event.
 */
function checked<T extends EventType, V extends EventVersion<T>>(event: ContractEvent<T, V>): ContractEvent<T, V> {
  const contract = contractOf(event.type, event.version);
  if (!contract) throw new InvalidEventError(`${event.type} v${event.version} is not in the event catalogue`);
  const parsed = contract.payload.safeParse(event.payload);
  if (!parsed.success) throw new InvalidEventError(`${event.type} v${event.version}: ${describeIssues(parsed.error)}`);
  return { ...event, payload: parsed.data as EventPayload<T, V> };
}

/**
 * Records a catalogued event in the caller's transaction, after checking its payload against the
 * schema. Async throughout, so a refused payload rejects like any other failure of the write.
 */
export async function recordContractEvent<T extends EventType, V extends EventVersion<T>>(
  manager: EntityManager,
  event: ContractEvent<T, V>,
  now: Date,
): Promise<DomainEvent<EventPayload<T, V>>> {
  return recordEvent(manager, checked(event), now);
}

/** Many catalogued events in one INSERT, each checked first. */
export async function recordContractEvents<T extends EventType, V extends EventVersion<T>>(
  manager: EntityManager,
  events: readonly ContractEvent<T, V>[],
  now: Date,
): Promise<DomainEvent<EventPayload<T, V>>[]> {
  return recordEvents(manager, events.map(checked), now);
}
