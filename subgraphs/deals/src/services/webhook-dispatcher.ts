import { request as httpRequest, type Agent, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { performance } from 'node:perf_hooks';
import { In } from 'typeorm';
import { forUpdate, newId, type Database } from '@hub/db';
import { PollingLoop } from '@hub/events';
import {
  afterWebhookAttempt,
  defaultWebhookRetry,
  isWebhookSuccess,
  WEBHOOK_ENDPOINT_DISABLED,
  WEBHOOK_HEADERS,
  webhookBody,
  webhookSignature,
  type WebhookRetryPolicy,
} from '../domain/webhooks';
import { WebhookAttemptEntity } from '../entities/webhook-attempt.entity';
import { WebhookDeliveryEntity } from '../entities/webhook-delivery.entity';
import { WebhookEndpointEntity } from '../entities/webhook-endpoint.entity';
import type { Clock } from '@hub/domain';
import { deliveryAgents, EgressRefusedError, guardedLookup, refusedUrl, resolveWithDns, type EgressPolicy, type ResolveHost } from './webhook-egress';
import { DEV_WEBHOOK_SECRET_KEY, WebhookSecretBox } from './webhook-secrets';

export interface WebhookDispatcherOptions {
  database: Database;
  clock: Clock;
  /** How often due deliveries are looked for when there is no backlog. */
  intervalMs?: number;
  /** Attempts in all before a delivery is FAILED (default 8). */
  maxAttempts?: number;
  /** A receiver that has not answered after this long has failed the attempt. */
  timeoutMs?: number;
  /** Deliveries claimed and sent (concurrently) per round. */
  batchSize?: number;
  /** Retry delays; `maxAttempts` overrides the policy's. */
  retry?: Partial<WebhookRetryPolicy>;
  /** For the jitter; tests pin it. */
  random?: () => number;
  /** Where deliveries may connect (default: public addresses only, http or https). */
  egress?: EgressPolicy;
  /** Opens the sealed signing secrets (default: the development key). */
  secrets?: WebhookSecretBox;
  /** Host name resolution for every attempt; tests substitute one to play DNS rebinding. */
  resolve?: ResolveHost;
  logger?: { error(message: string, error?: unknown): void };
}

interface Claimed {
  delivery: WebhookDeliveryEntity;
  endpoint: WebhookEndpointEntity;
}

interface AttemptResult {
  statusCode: number | null;
  error: string | null;
  durationMs: number;
}

const MAX_ERROR_LENGTH = 1000;
/** How an attempt the egress rules stopped before any byte was sent starts its error. */
const REFUSED = 'refused: ';

/**
 * Sends due webhook deliveries. Each round claims due PENDING rows in one short transaction —
 * `FOR UPDATE SKIP LOCKED` on MySQL/MariaDB, so instances running side by side claim different
 * rows — counting the attempt and pushing `nextAttemptAt` past the time the POST may take (a
 * lease); then POSTs them with no transaction open, and records each outcome with its attempt
 * row. An instance that dies mid-POST leaves the row to be taken over when its lease runs out:
 * delivery is at least once, and receivers dedupe on the event id.
 */
export class WebhookDispatcher {
  private readonly database: Database;
  private readonly clock: Clock;
  private readonly intervalMs: number;
  private readonly timeoutMs: number;
  private readonly leaseMs: number;
  private readonly batchSize: number;
  private readonly policy: WebhookRetryPolicy;
  private readonly random: () => number;
  private readonly egress: EgressPolicy;
  private readonly secrets: WebhookSecretBox;
  private readonly agents: { http: Agent; https: Agent };
  private readonly lookup: LookupFunction;
  private readonly logger: { error(message: string, error?: unknown): void };
  private readonly loop: PollingLoop;

  constructor(options: WebhookDispatcherOptions) {
    this.database = options.database;
    this.clock = options.clock;
    this.intervalMs = options.intervalMs ?? 1_000;
    this.timeoutMs = options.timeoutMs ?? 5_000;
    this.leaseMs = this.timeoutMs * 2 + 30_000;
    this.batchSize = options.batchSize ?? 50;
    this.policy = { ...defaultWebhookRetry, ...options.retry, ...(options.maxAttempts ? { maxAttempts: options.maxAttempts } : {}) };
    this.random = options.random ?? Math.random;
    this.egress = options.egress ?? { allowPrivate: false, httpsOnly: false };
    this.secrets = options.secrets ?? new WebhookSecretBox(DEV_WEBHOOK_SECRET_KEY);
    this.agents = deliveryAgents(this.egress.allowPrivate);
    this.lookup = guardedLookup(this.egress.allowPrivate, options.resolve ?? resolveWithDns);
    this.logger = options.logger ?? { error: (message, error) => console.error(`[deals] ${message}`, error instanceof Error ? error.message : (error ?? '')) };
    this.loop = new PollingLoop({
      intervalMs: this.intervalMs,
      round: async () => ((await this.dispatchDue()) < this.batchSize ? 'idle' : 'now'),
      onError: (error) => this.logger.error('webhook dispatch failed', error),
    });
  }

  /** Sends the deliveries due now (up to one batch) and waits for their outcomes; returns how many were attempted. */
  async dispatchDue(): Promise<number> {
    const claimed = await this.claim();
    await Promise.all(claimed.map((one) => this.deliver(one)));
    return claimed.length;
  }

  /**
   * Sends one pending delivery now, outside the schedule (`testWebhook`), with the same claim,
   * signing, egress checks and recording as a scheduled one; nothing when another dispatcher
   * holds it or it is no longer pending.
   */
  async deliverNow(deliveryId: string): Promise<void> {
    const claimed = await this.claim(deliveryId);
    await Promise.all(claimed.map((one) => this.deliver(one)));
  }

  /** Dispatches until `stop()`: batch after batch while there is a backlog, then every `intervalMs`. */
  start(): void {
    this.loop.start();
  }

  /** Lets the round in progress finish (each POST ends within the timeout), then stops. */
  async stop(): Promise<void> {
    await this.loop.stop();
  }

  /** Due deliveries, up to a batch; or the one delivery `onlyId`, pending and due, for `deliverNow`. */
  private claim(onlyId?: string): Promise<Claimed[]> {
    return this.database.transaction(async (manager) => {
      const now = this.clock.now();
      const query = manager
        .getRepository(WebhookDeliveryEntity)
        .createQueryBuilder('delivery')
        .where('delivery.status = :pending', { pending: 'PENDING' })
        .andWhere('delivery.nextAttemptAt <= :now', { now })
        .orderBy('delivery.nextAttemptAt', 'ASC')
        .addOrderBy('delivery.id', 'ASC')
        .limit(this.batchSize);
      if (onlyId !== undefined) query.andWhere('delivery.id = :onlyId', { onlyId });
      const due = await forUpdate(query, this.database.dialect, { skipLocked: true }).getMany();
      if (due.length === 0) return [];
      const endpoints = await manager.findBy(WebhookEndpointEntity, { id: In([...new Set(due.map((delivery) => delivery.endpointId))]) });
      const active = new Map(endpoints.filter((endpoint) => endpoint.active).map((endpoint) => [endpoint.id, endpoint]));
      // Disabling an endpoint fails its pending deliveries; these were scheduled while it happened.
      const orphaned = due.filter((delivery) => !active.has(delivery.endpointId));
      if (orphaned.length > 0) {
        await manager.update(
          WebhookDeliveryEntity,
          { id: In(orphaned.map((delivery) => delivery.id)) },
          { status: 'FAILED', nextAttemptAt: null, lastError: WEBHOOK_ENDPOINT_DISABLED },
        );
      }
      const claimed = due.filter((delivery) => active.has(delivery.endpointId));
      if (claimed.length === 0) return [];
      await manager.update(
        WebhookDeliveryEntity,
        { id: In(claimed.map((delivery) => delivery.id)) },
        { attempts: () => 'attempts + 1', nextAttemptAt: new Date(now.getTime() + this.leaseMs) },
      );
      return claimed.map((delivery) => ({ delivery: { ...delivery, attempts: delivery.attempts + 1 }, endpoint: active.get(delivery.endpointId)! }));
    });
  }

  private async deliver({ delivery, endpoint }: Claimed): Promise<void> {
    const result = await this.post(delivery, endpoint);
    if (result.error?.startsWith(REFUSED)) this.logger.error(`webhook delivery ${delivery.id} to endpoint ${endpoint.id}: ${result.error}`);
    try {
      await this.record(delivery, result);
    } catch (error) {
      // The outcome is lost with this transaction; when the lease runs out the delivery is sent again.
      this.logger.error(`webhook delivery ${delivery.id}: recording attempt ${delivery.attempts} failed`, error);
    }
  }

  private async post(delivery: WebhookDeliveryEntity, endpoint: WebhookEndpointEntity): Promise<AttemptResult> {
    const body = webhookBody({ id: delivery.eventId, type: delivery.eventType, version: delivery.eventVersion, occurredAt: delivery.occurredAt.toISOString(), data: JSON.parse(delivery.payload) });
    const now = this.clock.now();
    const timestamp = Math.floor(now.getTime() / 1000);
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    const url = new URL(endpoint.url);
    // Checked again at every attempt: the rules may have tightened since the endpoint was registered.
    const refused = refusedUrl(url, this.egress);
    if (refused) return { statusCode: null, error: `${REFUSED}${refused}`, durationMs: elapsed() };
    try {
      const statusCode = await this.send(url, body, {
        'content-type': 'application/json',
        'user-agent': 'partner-program-hub-webhooks/1',
        [WEBHOOK_HEADERS.eventId]: delivery.eventId,
        [WEBHOOK_HEADERS.eventType]: delivery.eventType,
        [WEBHOOK_HEADERS.timestamp]: String(timestamp),
        [WEBHOOK_HEADERS.signature]: webhookSignatureHeader(this.signingSecrets(endpoint, now), timestamp, body),
      });
      // A redirect is an answer, not a success: following it would POST signed events wherever it points.
      const error = isWebhookSuccess(statusCode) ? null : statusCode >= 300 && statusCode < 400 ? `HTTP ${statusCode} (redirects are not followed)` : `HTTP ${statusCode}`;
      return { statusCode, error, durationMs: elapsed() };
    } catch (error) {
      return { statusCode: null, error: describeFailure(error, this.timeoutMs), durationMs: elapsed() };
    }
  }

  /** The current secret, and the previous one while its overlap after a rotation lasts. */
  private signingSecrets(endpoint: WebhookEndpointEntity, now: Date): string[] {
    const current = this.secrets.open(endpoint.secret, endpoint.id);
    const previousValid = endpoint.previousSecret !== null && endpoint.previousSecretExpiresAt !== null && endpoint.previousSecretExpiresAt > now;
    return previousValid ? [current, this.secrets.open(endpoint.previousSecret!, endpoint.id)] : [current];
  }

  /**
   * POSTs through the filtering agents and resolves with the status code. node:http follows no
   * redirect, and the answer's body is never read — the connection is closed once the status
   * is in, so nothing the receiver says ends up in our logs and a slow body holds nothing open.
   */
  private send(url: URL, body: string, headers: Record<string, string>): Promise<number> {
    const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const outgoing = request(
        url,
        {
          method: 'POST',
          headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
          agent: url.protocol === 'https:' ? this.agents.https : this.agents.http,
          lookup: this.lookup,
        },
        (response: IncomingMessage) => {
          clearTimeout(timer);
          response.destroy();
          resolve(response.statusCode ?? 0);
        },
      );
      const timer = setTimeout(() => outgoing.destroy(new AttemptTimeoutError()), this.timeoutMs);
      outgoing.on('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      outgoing.end(body);
    });
  }

  private record(delivery: WebhookDeliveryEntity, result: AttemptResult): Promise<void> {
    return this.database.transaction(async (manager) => {
      const now = this.clock.now();
      const outcome = afterWebhookAttempt(delivery.attempts, result.statusCode, this.policy, now, this.random());
      const error = result.error?.slice(0, MAX_ERROR_LENGTH) ?? null;
      await manager.insert(WebhookAttemptEntity, {
        id: newId(),
        deliveryId: delivery.id,
        attemptedAt: now,
        statusCode: result.statusCode,
        error,
        durationMs: result.durationMs,
      });
      await manager.update(
        WebhookDeliveryEntity,
        { id: delivery.id },
        {
          status: outcome.status,
          nextAttemptAt: outcome.status === 'PENDING' ? outcome.nextAttemptAt : null,
          lastStatusCode: result.statusCode,
          lastError: error,
          deliveredAt: outcome.status === 'DELIVERED' ? now : null,
        },
      );
    });
  }
}

/**
 * `x-hub-signature`: one `sha256=<hex>` per secret, comma-separated, the current secret first.
 * Outside a rotation's overlap there is one value, as before rotation existed.
 */
export function webhookSignatureHeader(secrets: readonly string[], timestamp: number, body: string): string {
  return secrets.map((secret) => webhookSignature(secret, timestamp, body)).join(', ');
}

class AttemptTimeoutError extends Error {}

function describeFailure(error: unknown, timeoutMs: number): string {
  if (error instanceof AttemptTimeoutError) return `no response within ${timeoutMs} ms`;
  if (error instanceof EgressRefusedError) return `${REFUSED}${error.message}`;
  const code = (error as { code?: string } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  // request-filtering-agent's refusals carry no code: they name the address and why.
  if (!code && message.includes('is not allowed')) return `${REFUSED}${message}`;
  return code && !message.includes(code) ? `${code}: ${message}` : message;
}
