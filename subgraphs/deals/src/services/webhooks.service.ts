import { randomBytes } from 'node:crypto';
import { ownDistributorId, READ_ALL_ROLES, requireClaims, STAFF_ROLES, type Claims } from '@hub/auth';
import type { EntityManager } from 'typeorm';
import { forUpdate, keysetPage, newId, type Database, type KeysetPage } from '@hub/db';
import { type Clock, ForbiddenError, InvalidInputError, NotFoundError } from '@hub/domain';
import { redactedWebhookUrl, subscribedEventTypes, validateWebhookUrl, WEBHOOK_ENDPOINT_DISABLED, WEBHOOK_PING, WEBHOOK_PING_VERSION, type WebhookDeliveryStatus, type WebhookEventTypeName } from '../domain/webhooks';
import { DistributorRefEntity } from '../entities/partner-ref.entity';
import { WebhookDeliveryEntity } from '../entities/webhook-delivery.entity';
import { WebhookEndpointEntity } from '../entities/webhook-endpoint.entity';
import { refusedTarget, resolveWithDns, type EgressPolicy, type ResolveHost } from './webhook-egress';
import { DEV_WEBHOOK_SECRET_KEY, isSealedSecret, WebhookSecretBox } from './webhook-secrets';

export interface WebhookRegistration {
  endpoint: WebhookEndpointEntity;
  /** Returned once, here (or by a rotation); it is never shown again. */
  secret: string;
}

export interface WebhooksServiceOptions {
  /** Which receivers may be registered (default: public addresses only, http or https). */
  egress?: EgressPolicy;
  /** Seals the signing secrets (default: the development key). */
  secrets?: WebhookSecretBox;
  /** How long the previous secret still signs after a rotation (default 24 h). */
  secretOverlapMs?: number;
  /** Host name resolution at registration; tests substitute one. */
  resolve?: ResolveHost;
}

const DAY_MS = 24 * 60 * 60 * 1000;

export interface WebhookDeliveryFilter {
  endpointId?: string | null;
  eventId?: string | null;
  status?: WebhookDeliveryStatus | null;
}

/**
 * Distributors' webhook endpoints and what was delivered to them. A distributor manages and
 * sees only its own; channel staff manage any distributor's; BI reads.
 */
export class WebhooksService {
  private readonly egress: EgressPolicy;
  private readonly secrets: WebhookSecretBox;
  private readonly secretOverlapMs: number;
  private readonly resolve: ResolveHost;

  constructor(
    private readonly database: Database,
    private readonly clock: Clock,
    options: WebhooksServiceOptions = {},
  ) {
    this.egress = options.egress ?? { allowPrivate: false, httpsOnly: false };
    this.secrets = options.secrets ?? new WebhookSecretBox(DEV_WEBHOOK_SECRET_KEY);
    this.secretOverlapMs = options.secretOverlapMs ?? DAY_MS;
    this.resolve = options.resolve ?? resolveWithDns;
  }

  async register(claims: Claims | null, url: string, distributorId?: string | null, eventTypeNames?: readonly WebhookEventTypeName[] | null): Promise<WebhookRegistration> {
    const owner = await this.ownerFor(claims, distributorId);
    const checked = validateWebhookUrl(url);
    const eventTypes = subscribedEventTypes(eventTypeNames);
    const refused = await refusedTarget(new URL(checked), this.egress, this.resolve);
    if (refused) throw new InvalidInputError('url', `is refused: ${refused}`);
    const id = newId();
    const secret = newSecret();
    const endpoint = this.database.dataSource.manager.create(WebhookEndpointEntity, {
      id,
      distributorId: owner,
      url: checked,
      secret: this.secrets.seal(secret, id),
      previousSecret: null,
      previousSecretExpiresAt: null,
      active: true,
      eventTypes,
      createdAt: this.clock.now(),
    });
    await this.database.transaction((manager) => manager.insert(WebhookEndpointEntity, endpoint));
    return { endpoint, secret };
  }

  /**
   * A new signing secret for an endpoint, returned this once. The one it replaces keeps signing
   * alongside it for the overlap, so a receiver can switch without refusing deliveries; a second
   * rotation within the overlap drops the oldest.
   */
  async rotateSecret(claims: Claims | null, id: string): Promise<WebhookRegistration> {
    const caller = this.manager(claims);
    const secret = newSecret();
    const endpoint = await this.database.transaction(async (manager) => {
      const endpoint = await this.managedEndpoint(manager, caller, id);
      const now = this.clock.now();
      const overlap = this.secretOverlapMs > 0;
      const rotated = {
        secret: this.secrets.seal(secret, id),
        previousSecret: overlap ? endpoint.secret : null,
        previousSecretExpiresAt: overlap ? new Date(now.getTime() + this.secretOverlapMs) : null,
      };
      await manager.update(WebhookEndpointEntity, { id }, rotated);
      return Object.assign(endpoint, rotated);
    });
    return { endpoint, secret };
  }

  /**
   * Seals the secrets of endpoints registered before they were encrypted. Runs at startup, where
   * the key is known (a migration has no configuration); idempotent.
   */
  async sealClearSecrets(): Promise<number> {
    return this.database.transaction(async (manager) => {
      const endpoints = await manager.find(WebhookEndpointEntity, { select: { id: true, secret: true } });
      const unsealed = endpoints.filter((endpoint) => !isSealedSecret(endpoint.secret));
      for (const endpoint of unsealed) {
        await manager.update(WebhookEndpointEntity, { id: endpoint.id }, { secret: this.secrets.seal(endpoint.secret, endpoint.id) });
      }
      return unsealed.length;
    });
  }

  /** Stops deliveries to an endpoint; those still pending are FAILED. Disabling twice is harmless. */
  async disable(claims: Claims | null, id: string): Promise<WebhookEndpointEntity> {
    const caller = this.manager(claims);
    return this.database.transaction(async (manager) => {
      const endpoint = await this.managedEndpoint(manager, caller, id);
      if (!endpoint.active) return endpoint;
      endpoint.active = false;
      await manager.update(WebhookEndpointEntity, { id }, { active: false });
      await manager.update(WebhookDeliveryEntity, { endpointId: id, status: 'PENDING' }, { status: 'FAILED', nextAttemptAt: null, lastError: WEBHOOK_ENDPOINT_DISABLED });
      return endpoint;
    });
  }

  async endpoints(claims: Claims | null, distributorId?: string | null): Promise<WebhookEndpointEntity[]> {
    const mine = this.readScope(claims);
    const where = mine ?? distributorId ?? undefined;
    const endpoints = await this.database.dataSource.manager.find(WebhookEndpointEntity, { where: where === undefined ? {} : { distributorId: where }, order: { id: 'ASC' } });
    // BI reads endpoints to report on them, not to call them: it gets no credential a URL carries.
    if (requireClaims(claims).role !== 'bi') return endpoints;
    return endpoints.map((endpoint) => ({ ...endpoint, url: redactedWebhookUrl(endpoint.url) }));
  }

  deliveries(claims: Claims | null, filter: WebhookDeliveryFilter, page: { first: number; after?: string }): Promise<KeysetPage<WebhookDeliveryEntity>> {
    const mine = this.readScope(claims);
    const query = this.database.dataSource.manager.createQueryBuilder(WebhookDeliveryEntity, 'delivery');
    // Row-level access first: a distributor sees the deliveries to its own endpoints, whatever the filter says.
    if (mine !== null) {
      query.andWhere(
        (sub) => `delivery.endpointId IN ${sub.subQuery().select('endpoint.id').from(WebhookEndpointEntity, 'endpoint').where('endpoint.distributorId = :mine').getQuery()}`,
        { mine },
      );
    }
    if (filter.endpointId != null) query.andWhere('delivery.endpointId = :endpointId', { endpointId: filter.endpointId });
    if (filter.eventId != null) query.andWhere('delivery.eventId = :eventId', { eventId: filter.eventId });
    if (filter.status) query.andWhere('delivery.status = :status', { status: filter.status });
    return keysetPage(query, [{ column: 'delivery.id', value: (delivery) => delivery.id }], page);
  }

  /** The caller, when it may manage endpoints: a distributor (its own) or channel staff. */
  private manager(claims: Claims | null): Claims {
    const caller = requireClaims(claims);
    if (!STAFF_ROLES.includes(caller.role) && caller.role !== 'distributor') throw new ForbiddenError('Only the distributor and channel staff manage webhooks');
    return caller;
  }

  /**
   * `testWebhook`: a signed `webhook.ping` to the endpoint, sent at once through the dispatcher
   * (same signing, egress checks, retries and delivery log as events), so an integrator can
   * check its receiver and signature code before real events arrive. Answers the delivery
   * after its first attempt.
   */
  async test(claims: Claims | null, id: string, dispatcher: { deliverNow(deliveryId: string): Promise<void> }): Promise<WebhookDeliveryEntity> {
    const caller = this.manager(claims);
    const delivery = await this.database.transaction(async (manager) => {
      const endpoint = await this.managedEndpoint(manager, caller, id);
      if (!endpoint.active) throw new InvalidInputError('id', 'the endpoint is disabled; register a new one');
      const now = this.clock.now();
      const ping = manager.create(WebhookDeliveryEntity, {
        id: newId(),
        endpointId: endpoint.id,
        eventId: newId(),
        eventType: WEBHOOK_PING,
        eventVersion: WEBHOOK_PING_VERSION,
        occurredAt: now,
        payload: JSON.stringify({ endpointId: endpoint.id, distributorId: endpoint.distributorId, message: 'Test delivery from the partner program hub' }),
        status: 'PENDING',
        attempts: 0,
        nextAttemptAt: now,
        lastStatusCode: null,
        lastError: null,
        deliveredAt: null,
        createdAt: now,
      });
      await manager.insert(WebhookDeliveryEntity, ping);
      return ping;
    });
    await dispatcher.deliverNow(delivery.id);
    return this.database.dataSource.manager.findOneByOrFail(WebhookDeliveryEntity, { id: delivery.id });
  }

  private async managedEndpoint(manager: EntityManager, caller: Claims, id: string): Promise<WebhookEndpointEntity> {
    // Locked so that two rotations take turns: neither new secret is silently dropped.
    const endpoint = await forUpdate(manager.createQueryBuilder(WebhookEndpointEntity, 'endpoint').where('endpoint.id = :id', { id }), this.database.dialect).getOne();
    // Another distributor's endpoint is reported missing: its id tells the caller nothing.
    if (!endpoint || (caller.role === 'distributor' && endpoint.distributorId !== caller.distributorId)) throw new NotFoundError('WebhookEndpoint', id);
    return endpoint;
  }

  /** The distributor whose rows the caller may read: its own for a distributor, null (all) for staff and BI. */
  private readScope(claims: Claims | null): string | null {
    const caller = requireClaims(claims);
    if (READ_ALL_ROLES.includes(caller.role)) return null;
    if (caller.role === 'distributor') return ownDistributorId(caller);
    throw new ForbiddenError('Only the distributor, channel staff and BI read webhooks');
  }

  /** A distributor registers for itself; channel staff for the distributor they name. */
  private async ownerFor(claims: Claims | null, distributorId?: string | null): Promise<string> {
    const caller = requireClaims(claims);
    if (caller.role === 'distributor') {
      const own = ownDistributorId(caller);
      if (distributorId != null && distributorId !== own) throw new ForbiddenError('A distributor registers webhooks only for itself');
      return own;
    }
    if (!STAFF_ROLES.includes(caller.role)) throw new ForbiddenError('Only the distributor and channel staff manage webhooks');
    if (distributorId == null) throw new InvalidInputError('distributorId', 'is required when channel staff register a webhook');
    if (!(await this.database.dataSource.manager.existsBy(DistributorRefEntity, { id: distributorId }))) {
      throw new InvalidInputError('distributorId', `unknown distributor "${distributorId}"`);
    }
    return distributorId;
  }
}

function newSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}
