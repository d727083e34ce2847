import type { z } from 'zod';
import { InvalidEventError, type DomainEvent } from '@hub/events';
import { contractOf, type EventPayload, type EventType, type EventVersion } from './catalogue';

/** `lines[0].sku: expected string; kind: invalid option`: each issue with the path it is at. */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.length ? issue.path.join('.') : '(payload)'}: ${issue.message}`).join('; ');
}

export type Decoded<P> = { ok: true; payload: P } | { ok: false; reason: string };

/** Reads an envelope's payload against the catalogue's schema for its type and version. */
export function decodeEvent<T extends EventType, V extends EventVersion<T>>(event: DomainEvent, type: T, version: V): Decoded<EventPayload<T, V>> {
  const contract = contractOf(type, version);
  if (event.type !== type || event.version !== version || !contract) return { ok: false, reason: `expected ${type} v${version}, got ${event.type} v${event.version}` };
  const parsed = contract.payload.safeParse(event.payload);
  return parsed.success ? { ok: true, payload: parsed.data as EventPayload<T, V> } : { ok: false, reason: `invalid payload: ${describeIssues(parsed.error)}` };
}

/**
 * The payload of an event (an envelope or an outbox row) that must be `type` v`version`, or an
 * InvalidEventError saying why it is not: for code and tests that read events they just wrote.
 */
export function payloadOf<T extends EventType, V extends EventVersion<T>>(event: Pick<DomainEvent, 'type' | 'version' | 'payload'>, type: T, version: V): EventPayload<T, V> {
  const decoded = decodeEvent({ id: '', occurredAt: '', source: '', aggregateId: '', ...event }, type, version);
  if (!decoded.ok) throw new InvalidEventError(decoded.reason);
  return decoded.payload;
}
