import type { DomainEvent } from './envelope';

/**
 * How an envelope is laid out in a Redis stream entry: one field per envelope property, the
 * payload in JSON, so `XRANGE` in redis-cli stays readable.
 */
export function toStreamFields(event: DomainEvent): string[] {
  return [
    'id', event.id,
    'type', event.type,
    'version', String(event.version),
    'occurredAt', event.occurredAt,
    'source', event.source,
    'aggregateId', event.aggregateId,
    'payload', JSON.stringify(event.payload),
  ];
}

export class MalformedEntryError extends Error {
  constructor(streamId: string, reason: string) {
    super(`stream entry ${streamId} is not an event: ${reason}`);
    this.name = 'MalformedEntryError';
  }
}

/** Reads an envelope back from a stream entry's flat `[field, value, …]` list. */
export function parseStreamFields(streamId: string, fields: readonly string[]): DomainEvent {
  const values = new Map<string, string>();
  for (let i = 0; i + 1 < fields.length; i += 2) values.set(fields[i]!, fields[i + 1]!);
  const required = (name: string) => {
    const value = values.get(name);
    if (value === undefined || value === '') throw new MalformedEntryError(streamId, `missing ${name}`);
    return value;
  };
  const version = Number(required('version'));
  if (!Number.isInteger(version) || version < 1) throw new MalformedEntryError(streamId, `version ${values.get('version')} is not a positive integer`);
  let payload: unknown;
  try {
    payload = JSON.parse(required('payload'));
  } catch (error) {
    if (error instanceof MalformedEntryError) throw error;
    throw new MalformedEntryError(streamId, 'payload is not JSON');
  }
  return {
    id: required('id'),
    type: required('type'),
    version,
    occurredAt: required('occurredAt'),
    source: required('source'),
    aggregateId: required('aggregateId'),
    payload,
  };
}

/** One entry of an `XREADGROUP` or `XAUTOCLAIM` reply; `fields` is null when the entry was trimmed away while pending. */
export interface StreamEntry {
  streamId: string;
  fields: string[] | null;
}

function toEntries(list: unknown): StreamEntry[] {
  if (!Array.isArray(list)) return [];
  return list.map((item) => {
    const [streamId, fields] = item as [string, string[] | null];
    return { streamId: String(streamId), fields: Array.isArray(fields) ? fields.map(String) : null };
  });
}

/** `XREADGROUP … STREAMS key id` answers `[[key, [[id, fields], …]]]`, or null when nothing arrived. */
export function entriesOfReadReply(reply: unknown): StreamEntry[] {
  if (!Array.isArray(reply)) return [];
  return reply.flatMap((stream) => toEntries((stream as [string, unknown])[1]));
}

/** `XAUTOCLAIM` answers `[nextCursor, [[id, fields], …], [deletedIds…]]`; cursor `0-0` means the scan is complete. */
export function parseAutoclaimReply(reply: unknown): { nextCursor: string; entries: StreamEntry[] } {
  const [nextCursor, entries] = (Array.isArray(reply) ? reply : []) as [unknown, unknown];
  return { nextCursor: typeof nextCursor === 'string' ? nextCursor : '0-0', entries: toEntries(entries) };
}
