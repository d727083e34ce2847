import { performance } from 'node:perf_hooks';
import { In } from 'typeorm';
import { newId, type Database } from '@hub/db';
import { sleep } from '@hub/events';
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
  fetch?: typeof fetch;
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
  private readonly fetch: typeof fetch;
  private readonly logger: { error(message: string, error?: unknown): void };
  private controller: AbortController | null = null;
  private running: Promise<void> | null = null;

  constructor(options: WebhookDispatcherOptions) {
    this.database = options.database;
    this.clock = options.clock;
    this.intervalMs = options.intervalMs ?? 1_000;
    this.timeoutMs = options.timeoutMs ?? 5_000;
    this.leaseMs = this.timeoutMs * 2 + 30_000;
    this.batchSize = options.batchSize ?? 50;
    this.policy = { ...defaultWebhookRetry, ...options.retry, ...(options.maxAttempts ? { maxAttempts: options.maxAttempts } : {}) };
    this.random = options.random ?? Math.random;
    this.fetch = options.fetch ?? fetch;
    this.logger = options.logger ?? { error: (message, error) => console.error(`[deals] ${message}`, error instanceof Error ? error.message : (error ?? '')) };
  }

  /** Sends the deliveries due now (up to one batch) and waits for their outcomes; returns how many were attempted. */
  async dispatchDue(): Promise<number> {
    const claimed = await this.claim();
    await Promise.all(claimed.map((one) => this.deliver(one)));
    return claimed.length;
  }

  /** Dispatches until `stop()`: batch after batch while there is a backlog, then every `intervalMs`. */
  start(): void {
    if (this.running) return;
    const controller = new AbortController();
    this.controller = controller;
    this.running = this.loop(controller.signal);
  }

  /** Lets the round in progress finish (each POST ends within the timeout), then stops. */
  async stop(): Promise<void> {
    this.controller?.abort();
    await this.running;
    this.running = null;
    this.controller = null;
  }

  private async loop(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      let sent = 0;
      try {
        sent = await this.dispatchDue();
      } catch (error) {
        this.logger.error('webhook dispatch failed', error);
      }
      if (sent < this.batchSize) await sleep(this.intervalMs, signal);
    }
  }

  private claim(): Promise<Claimed[]> {
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
      if (this.database.dialect === 'mysql') query.setLock('pessimistic_write').setOnLocked('skip_locked');
      const due = await query.getMany();
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
    try {
      await this.record(delivery, result);
    } catch (error) {
      // The outcome is lost with this transaction; when the lease runs out the delivery is sent again.
      this.logger.error(`webhook delivery ${delivery.id}: recording attempt ${delivery.attempts} failed`, error);
    }
  }

  private async post(delivery: WebhookDeliveryEntity, endpoint: WebhookEndpointEntity): Promise<AttemptResult> {
    const body = webhookBody({ id: delivery.eventId, type: delivery.eventType, occurredAt: delivery.occurredAt.toISOString(), data: JSON.parse(delivery.payload) });
    const timestamp = Math.floor(this.clock.now().getTime() / 1000);
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    try {
      const response = await this.fetch(endpoint.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'partner-program-hub-webhooks/1',
          [WEBHOOK_HEADERS.eventId]: delivery.eventId,
          [WEBHOOK_HEADERS.eventType]: delivery.eventType,
          [WEBHOOK_HEADERS.timestamp]: String(timestamp),
          [WEBHOOK_HEADERS.signature]: webhookSignature(endpoint.secret, timestamp, body),
        },
        body,
        // A redirect is an answer, not a success: following it would POST signed events wherever it points.
        redirect: 'manual',
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      // The answer's body is not needed; dropping it frees the connection.
      await response.body?.cancel().catch(() => undefined);
      return { statusCode: response.status, error: isWebhookSuccess(response.status) ? null : `HTTP ${response.status}`, durationMs: elapsed() };
    } catch (error) {
      return { statusCode: null, error: describeFailure(error, this.timeoutMs), durationMs: elapsed() };
    }
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

function describeFailure(error: unknown, timeoutMs: number): string {
  if (error instanceof DOMException && error.name === 'TimeoutError') return `no response within ${timeoutMs} ms`;
  const cause = (error as { cause?: { code?: string; message?: string } } | null)?.cause;
  if (cause?.code) return `${cause.code}${cause.message ? `: ${cause.message}` : ''}`;
  return error instanceof Error ? error.message : String(error);
}
