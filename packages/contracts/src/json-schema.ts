import { z } from 'zod';
import { catalogue, type EventContract } from './catalogue';

/**
 * The catalogue as one JSON Schema document for integrators: under `$defs`, one schema per
 * `<type>.v<version>` payload, with its publisher and meaning. Deterministic, so the committed
 * file can be compared with a fresh rendering (the drift check of `pnpm schema:check`).
 */
export function eventsJsonSchema(): object {
  const defs: Record<string, object> = {};
  for (const [type, versions] of Object.entries(catalogue as Record<string, Record<number, EventContract>>)) {
    for (const [version, contract] of Object.entries(versions)) {
      const { $schema: _ignored, ...schema } = z.toJSONSchema(contract.payload, { target: 'draft-2020-12', io: 'output' }) as Record<string, unknown>;
      defs[`${type}.v${version}`] = { title: `${type} v${version}`, description: `${contract.description} Published by ${contract.publisher}.`, ...schema };
    }
  }
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title: 'Partner program hub events',
    description:
      'Every event type on the hub\'s bus, by type and payload version. Each event travels in an envelope { id, type, version, occurredAt, source, aggregateId, payload }; the payload schemas are below, keyed `<type>.v<version>`.',
    $defs: defs,
  };
}

/** The document as committed: two-space JSON with a trailing newline. */
export function renderEventsJsonSchema(): string {
  return `${JSON.stringify(eventsJsonSchema(), null, 2)}\n`;
}
