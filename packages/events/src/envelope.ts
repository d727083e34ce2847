/**
 * The envelope every domain event travels in, from the outbox row to each consumer. The
 * payload carries the full facts a consumer needs, so no consumer has to call back the
 * publishing subgraph.
 */
export interface DomainEvent<P = unknown> {
  /** UUIDv7: unique, and ordered by when the event was recorded. Consumers dedupe by it. */
  id: string;
  /** `<aggregate>.<happening>`, e.g. `deal.won`. */
  type: string;
  /** Version of the payload's schema for this type; bump it when the payload changes shape. */
  version: number;
  /** ISO-8601 instant the state change happened. */
  occurredAt: string;
  /** The subgraph that recorded the event, e.g. `deals`. */
  source: string;
  aggregateId: string;
  payload: P;
}

export interface NewEvent<P = unknown> {
  type: string;
  /** Defaults to 1. */
  version?: number;
  source: string;
  aggregateId: string;
  payload: P;
}

export class InvalidEventError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidEventError';
  }
}

/**
 * Checks a new event and returns the payload consumers will see: a JSON copy. Money is
 * bigint in this code base and JSON has no bigint, so such a payload is refused here, inside
 * the caller's transaction, rather than failing later in the relay.
 */
export function checkNewEvent<P>(event: NewEvent<P>): { version: number; payload: P } {
  const version = event.version ?? 1;
  if (!event.type.trim()) throw new InvalidEventError('an event needs a type');
  if (!event.source.trim()) throw new InvalidEventError(`event ${event.type} needs a source`);
  if (!event.aggregateId.trim()) throw new InvalidEventError(`event ${event.type} needs an aggregateId`);
  if (!Number.isInteger(version) || version < 1) throw new InvalidEventError(`event ${event.type}: version must be a positive integer, got ${version}`);
  let json: string | undefined;
  try {
    json = JSON.stringify(event.payload);
  } catch (error) {
    throw new InvalidEventError(`event ${event.type}: payload is not JSON (${(error as Error).message}); send bigint amounts as strings of minor units`);
  }
  if (json === undefined) throw new InvalidEventError(`event ${event.type}: payload is not JSON`);
  return { version, payload: JSON.parse(json) as P };
}
