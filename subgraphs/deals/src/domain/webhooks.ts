import { createHmac, timingSafeEqual } from 'node:crypto';
import { renderWebhooksJsonSchema, type EventType } from '@hub/contracts';
import { InvalidInputError } from '@hub/domain';

export const WEBHOOK_URL_MAX_LENGTH = 2000;

export const WEBHOOK_DELIVERY_STATUSES = ['PENDING', 'DELIVERED', 'FAILED'] as const;
export type WebhookDeliveryStatus = (typeof WEBHOOK_DELIVERY_STATUSES)[number];

/**
 * What an endpoint may subscribe to, as the API names it (`DEAL_WON`) and as deliveries carry it
 * (`deal.won`): every event a distributor acts on — its deals, the licences it fulfils and
 * renews, the usage statements it invoices its resellers from, and its own incentive
 * statements. Each is a catalogued event type; its payload is the delivery's `data`. An
 * endpoint registered without a list receives every type.
 */
export const WEBHOOK_EVENT_TYPES = {
  DEAL_SUBMITTED: 'deal.submitted',
  DEAL_APPROVED: 'deal.approved',
  DEAL_REJECTED: 'deal.rejected',
  DEAL_WITHDRAWN: 'deal.withdrawn',
  DEAL_EXTENDED: 'deal.extended',
  DEAL_CONFLICT_RESOLVED: 'deal.conflict_resolved',
  DEAL_WON: 'deal.won',
  DEAL_LOST: 'deal.lost',
  DEAL_EXPIRED: 'deal.expired',
  DEAL_REVERSED: 'deal.reversed',
  LICENSE_ISSUED: 'license.issued',
  LICENSE_RENEWED: 'license.renewed',
  LICENSE_EXPIRING: 'license.expiring',
  USAGE_STATEMENT_ISSUED: 'usage.statement_issued',
  STATEMENT_APPROVED: 'statement.approved',
  STATEMENT_PAID: 'statement.paid',
} as const satisfies Record<string, EventType>;
export type WebhookEventTypeName = keyof typeof WEBHOOK_EVENT_TYPES;

/** docs/webhooks.schema.json: the body of a delivery of every type an endpoint can subscribe to, and of the ping. */
export function renderWebhooksSchema(): string {
  return renderWebhooksJsonSchema(Object.values(WEBHOOK_EVENT_TYPES));
}

/** The event types an endpoint receives: null (every type) or those listed, each once. */
export function subscribedEventTypes(names: readonly WebhookEventTypeName[] | null | undefined): string[] | null {
  if (names === null || names === undefined) return null;
  if (names.length === 0) throw new InvalidInputError('eventTypes', 'name at least one event type, or leave eventTypes out for all of them');
  return [...new Set(names.map((name) => WEBHOOK_EVENT_TYPES[name]))].sort();
}

/** The API's names of what an endpoint receives (every type when it named none). */
export function eventTypeNames(eventTypes: readonly string[] | null): WebhookEventTypeName[] {
  const all = Object.keys(WEBHOOK_EVENT_TYPES) as WebhookEventTypeName[];
  return eventTypes === null ? all : all.filter((name) => eventTypes.includes(WEBHOOK_EVENT_TYPES[name]));
}

/** The event type of `testWebhook`'s signed test delivery; its data names the endpoint and distributor. */
export const WEBHOOK_PING = 'webhook.ping';

/** Why pending deliveries ended FAILED without another attempt. */
export const WEBHOOK_ENDPOINT_DISABLED = 'endpoint disabled';

/** Headers every delivery carries; receivers read the event id from them to dedupe. */
export const WEBHOOK_HEADERS = {
  eventId: 'x-hub-event-id',
  eventType: 'x-hub-event-type',
  timestamp: 'x-hub-timestamp',
  signature: 'x-hub-signature',
} as const;

/**
 * Checks a URL a distributor wants deal events POSTed to: http(s) only, no user name or
 * password in it (they would be stored and shown in clear), at most 2,000 characters.
 * Returns it trimmed.
 */
export function validateWebhookUrl(raw: string): string {
  const url = raw.trim();
  if (url === '') throw new InvalidInputError('url', 'must not be empty');
  if (url.length > WEBHOOK_URL_MAX_LENGTH) throw new InvalidInputError('url', `must be at most ${WEBHOOK_URL_MAX_LENGTH} characters, got ${url.length}`);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new InvalidInputError('url', `"${url}" is not an absolute URL`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new InvalidInputError('url', `must be http or https, got ${parsed.protocol.replace(/:$/, '')}`);
  if (parsed.username !== '' || parsed.password !== '') throw new InvalidInputError('url', 'must not contain credentials; authenticate deliveries with the signing secret');
  if (parsed.hostname === '') throw new InvalidInputError('url', 'must name a host');
  return url;
}

/**
 * The distributor an incentive statement belongs to: its payee when that is a distributor.
 * A partner's statement is the partner's business, not its distributor's, so it goes nowhere.
 */
export function statementDistributor(statement: { payeeKind: 'PARTNER' | 'DISTRIBUTOR'; payeeId: string }): string | null {
  return statement.payeeKind === 'DISTRIBUTOR' ? statement.payeeId : null;
}

/** The version of the ping's `data`; events carry their payload's catalogue version. */
export const WEBHOOK_PING_VERSION = 1;

/**
 * The JSON body of a delivery: the event id to dedupe on, its type, the version of its payload
 * (the catalogue's `<type>.v<version>`, documented in docs/webhooks.schema.json), when it
 * happened, and its facts.
 */
export function webhookBody(event: { id: string; type: string; version: number; occurredAt: string; data: unknown }): string {
  return JSON.stringify({ id: event.id, type: event.type, version: event.version, occurredAt: event.occurredAt, data: event.data });
}

/** `sha256=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>`, the `x-hub-signature` header. */
export function webhookSignature(secret: string, timestamp: number | string, body: string | Uint8Array): string {
  const mac = createHmac('sha256', secret).update(`${timestamp}.`).update(body);
  return `sha256=${mac.digest('hex')}`;
}

/**
 * For receivers: whether a delivery is authentic and fresh. `header` is `x-hub-signature`
 * (one `sha256=` value, or during a secret rotation one per secret, comma-separated),
 * `timestamp` is `x-hub-timestamp` (unix seconds) and `body` the raw request body, byte for
 * byte as received (not re-serialised JSON). A timestamp further than `toleranceSeconds` from
 * `now` (the receiver's clock unless given) is refused, so a captured request cannot be
 * replayed later; within the window, dedupe on `x-hub-event-id`.
 */
export function verifyWebhookSignature(
  secret: string,
  timestamp: string | number | null | undefined,
  body: string | Uint8Array,
  header: string | null | undefined,
  toleranceSeconds: number,
  now: Date = new Date(),
): boolean {
  if (timestamp === null || timestamp === undefined || !header) return false;
  const text = String(timestamp).trim();
  if (!/^\d{1,15}$/.test(text)) return false;
  if (Math.abs(Math.floor(now.getTime() / 1000) - Number(text)) > toleranceSeconds) return false;
  const expected = Buffer.from(webhookSignature(secret, text, body));
  // During a secret rotation the header carries one value per secret, comma-separated.
  return header.split(',').some((value) => {
    const received = Buffer.from(value.trim());
    return received.length === expected.length && timingSafeEqual(received, expected);
  });
}

export interface WebhookRetryPolicy {
  /** Attempts in all, the first included; after the last failure the delivery is FAILED. */
  maxAttempts: number;
  /** Delay before the first retry; each further retry doubles it. */
  initialDelayMs: number;
  /** Ceiling for any single delay. */
  maxDelayMs: number;
  /** Up to this fraction of the delay is added at random, so receivers that failed together are not retried in lockstep. */
  jitter: number;
}

export const defaultWebhookRetry: WebhookRetryPolicy = { maxAttempts: 8, initialDelayMs: 10_000, maxDelayMs: 60 * 60 * 1000, jitter: 0.2 };

/**
 * Delay before the next try after `failedAttempts` failures (1-based): 10 s, 20 s, 40 s, …
 * plus up to 20 % jitter (`random` in [0, 1)), never more than the ceiling.
 */
export function webhookRetryDelayMs(failedAttempts: number, policy: WebhookRetryPolicy, random: number): number {
  const exponent = Math.max(0, Math.min(failedAttempts - 1, 40));
  const base = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** exponent);
  return Math.min(policy.maxDelayMs, Math.round(base * (1 + policy.jitter * random)));
}

export type WebhookAttemptOutcome = { status: 'DELIVERED' } | { status: 'PENDING'; nextAttemptAt: Date } | { status: 'FAILED' };

/** What a delivery becomes after attempt number `attempts` (1-based) got `statusCode` (null: no response). */
export function afterWebhookAttempt(attempts: number, statusCode: number | null, policy: WebhookRetryPolicy, now: Date, random: number): WebhookAttemptOutcome {
  if (statusCode !== null && isWebhookSuccess(statusCode)) return { status: 'DELIVERED' };
  if (attempts >= policy.maxAttempts) return { status: 'FAILED' };
  return { status: 'PENDING', nextAttemptAt: new Date(now.getTime() + webhookRetryDelayMs(attempts, policy, random)) };
}

/** Only a 2xx counts: a redirect is not followed, so a moved receiver fails visibly instead of silently. */
export function isWebhookSuccess(statusCode: number): boolean {
  return statusCode >= 200 && statusCode < 300;
}

/**
 * A webhook URL as a reader who is not its owner sees it: no user or password, and each query
 * parameter's value hidden, since receivers often carry a credential there. The host and path
 * stay, enough to tell endpoints apart.
 */
export function redactedWebhookUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return '(unreadable URL)';
  }
  url.username = '';
  url.password = '';
  for (const name of new Set(url.searchParams.keys())) url.searchParams.set(name, 'REDACTED');
  return url.toString();
}
