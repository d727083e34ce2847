import { z } from 'zod';
import { catalogue, contractOf, type EventContract, type EventType } from './catalogue';
import { id, instant } from './schemas/common';
import { webhookPingV1 } from './schemas/webhooks';

/**
 * The catalogue as one JSON Schema document for integrators: under `$defs`, one schema per
 * `<type>.v<version>` payload, with its publisher and meaning. Deterministic, so the committed
 * file can be compared with a fresh rendering (the drift check of `pnpm schema:check`).
 */
export function eventsJsonSchema(): object {
  const defs: Record<string, object> = {};
  for (const [type, versions] of Object.entries(catalogue as Record<string, Record<number, EventContract>>)) {
    for (const [version, contract] of Object.entries(versions)) {
      defs[`${type}.v${version}`] = { title: `${type} v${version}`, description: `${contract.description} Published by ${contract.publisher}.`, ...toJsonSchema(contract.payload) };
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

function toJsonSchema(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'output' }) as Record<string, unknown>;
  return rest;
}

/** A delivery's body: `{ id, type, version, occurredAt, data }`, `data` being the payload of that type and version. */
function webhookBody(type: string, version: number, data: z.ZodType): z.ZodType {
  return z.object({ id, type: z.literal(type), version: z.literal(version), occurredAt: instant, data });
}

/**
 * The bodies webhooks POST, one schema per `<type>.v<version>` for every version of each of
 * `types` (the event types an endpoint can subscribe to) and for the `webhook.ping` test
 * delivery, plus `oneOf` them at the top: what a receiver can validate a request against.
 * Generated from the same zod schemas the bus checks, so it cannot drift from the events.
 */
export function webhooksJsonSchema(types: readonly EventType[]): object {
  const defs: Record<string, object> = {};
  for (const type of types) {
    const versions = Object.keys(catalogue[type]).map(Number);
    for (const version of versions) {
      const contract = contractOf(type, version)!;
      defs[`${type}.v${version}`] = { title: `${type} v${version}`, description: contract.description, ...toJsonSchema(webhookBody(type, version, contract.payload)) };
    }
  }
  defs['webhook.ping.v1'] = {
    title: 'webhook.ping v1',
    description: 'The signed test delivery testWebhook sends: the endpoint and its distributor.',
    ...toJsonSchema(webhookBody('webhook.ping', 1, webhookPingV1)),
  };
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title: 'Partner program hub webhook deliveries',
    description:
      'The JSON body of every webhook delivery, by event type and payload version (`type` and `version` in the body, keyed `<type>.v<version>` below). Headers: x-hub-event-id (the body\'s id; dedupe on it), x-hub-event-type, x-hub-timestamp (unix seconds) and x-hub-signature (sha256=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>, one value per secret during a rotation, comma-separated).',
    oneOf: Object.keys(defs).map((key) => ({ $ref: `#/$defs/${key}` })),
    $defs: defs,
  };
}

/** The webhooks document as committed (docs/webhooks.schema.json). */
export function renderWebhooksJsonSchema(types: readonly EventType[]): string {
  return `${JSON.stringify(webhooksJsonSchema(types), null, 2)}\n`;
}
