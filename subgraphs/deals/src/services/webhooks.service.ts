import { randomBytes } from 'node:crypto';
import { READ_ALL_ROLES, requireClaims, STAFF_ROLES, type Claims } from '@hub/auth';
import { keysetPage, newId, type Database, type KeysetPage } from '@hub/db';
import { type Clock, ForbiddenError, InvalidInputError, NotFoundError } from '@hub/domain';
import { validateWebhookUrl, WEBHOOK_ENDPOINT_DISABLED, type WebhookDeliveryStatus } from '../domain/webhooks';
import { DistributorRefEntity } from '../entities/partner-ref.entity';
import { WebhookDeliveryEntity } from '../entities/webhook-delivery.entity';
import { WebhookEndpointEntity } from '../entities/webhook-endpoint.entity';

export interface WebhookRegistration {
  endpoint: WebhookEndpointEntity;
  /** Returned once, here; it is never shown again. */
  secret: string;
}

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
  constructor(
    private readonly database: Database,
    private readonly clock: Clock,
  ) {}

  async register(claims: Claims | null, url: string, distributorId?: string | null): Promise<WebhookRegistration> {
    const owner = await this.ownerFor(claims, distributorId);
    const endpoint = this.database.dataSource.manager.create(WebhookEndpointEntity, {
      id: newId(),
      distributorId: owner,
      url: validateWebhookUrl(url),
      secret: `whsec_${randomBytes(32).toString('base64url')}`,
      active: true,
      createdAt: this.clock.now(),
    });
    await this.database.transaction((manager) => manager.insert(WebhookEndpointEntity, endpoint));
    return { endpoint, secret: endpoint.secret };
  }

  /** Stops deliveries to an endpoint; those still pending are FAILED. Disabling twice is harmless. */
  async disable(claims: Claims | null, id: string): Promise<WebhookEndpointEntity> {
    const caller = requireClaims(claims ?? undefined);
    if (!STAFF_ROLES.includes(caller.role) && caller.role !== 'distributor') throw new ForbiddenError('Only the distributor and channel staff manage webhooks');
    return this.database.transaction(async (manager) => {
      const endpoint = await manager.findOneBy(WebhookEndpointEntity, { id });
      // Another distributor's endpoint is reported missing: its id tells the caller nothing.
      if (!endpoint || (caller.role === 'distributor' && endpoint.distributorId !== caller.distributorId)) throw new NotFoundError('WebhookEndpoint', id);
      if (!endpoint.active) return endpoint;
      endpoint.active = false;
      await manager.update(WebhookEndpointEntity, { id }, { active: false });
      await manager.update(WebhookDeliveryEntity, { endpointId: id, status: 'PENDING' }, { status: 'FAILED', nextAttemptAt: null, lastError: WEBHOOK_ENDPOINT_DISABLED });
      return endpoint;
    });
  }

  endpoints(claims: Claims | null, distributorId?: string | null): Promise<WebhookEndpointEntity[]> {
    const mine = this.readScope(claims);
    const where = mine ?? distributorId;
    return this.database.dataSource.manager.find(WebhookEndpointEntity, { where: where ? { distributorId: where } : {}, order: { id: 'ASC' } });
  }

  deliveries(claims: Claims | null, filter: WebhookDeliveryFilter, page: { first: number; after?: string }): Promise<KeysetPage<WebhookDeliveryEntity>> {
    const mine = this.readScope(claims);
    const query = this.database.dataSource.manager.createQueryBuilder(WebhookDeliveryEntity, 'delivery');
    // Row-level access first: a distributor sees the deliveries to its own endpoints, whatever the filter says.
    if (mine) {
      query.andWhere(
        (sub) => `delivery.endpointId IN ${sub.subQuery().select('endpoint.id').from(WebhookEndpointEntity, 'endpoint').where('endpoint.distributorId = :mine').getQuery()}`,
        { mine },
      );
    }
    if (filter.endpointId) query.andWhere('delivery.endpointId = :endpointId', { endpointId: filter.endpointId });
    if (filter.eventId) query.andWhere('delivery.eventId = :eventId', { eventId: filter.eventId });
    if (filter.status) query.andWhere('delivery.status = :status', { status: filter.status });
    return keysetPage(query, [{ column: 'delivery.id', value: (delivery) => delivery.id }], page);
  }

  /** The distributor whose rows the caller may read: its own for a distributor, null (all) for staff and BI. */
  private readScope(claims: Claims | null): string | null {
    const caller = requireClaims(claims ?? undefined);
    if (READ_ALL_ROLES.includes(caller.role)) return null;
    if (caller.role === 'distributor' && caller.distributorId) return caller.distributorId;
    throw new ForbiddenError('Only the distributor, channel staff and BI read webhooks');
  }

  /** A distributor registers for itself; channel staff for the distributor they name. */
  private async ownerFor(claims: Claims | null, distributorId?: string | null): Promise<string> {
    const caller = requireClaims(claims ?? undefined);
    if (caller.role === 'distributor' && caller.distributorId) {
      if (distributorId && distributorId !== caller.distributorId) throw new ForbiddenError('A distributor registers webhooks only for itself');
      return caller.distributorId;
    }
    if (!STAFF_ROLES.includes(caller.role)) throw new ForbiddenError('Only the distributor and channel staff manage webhooks');
    if (!distributorId) throw new InvalidInputError('distributorId', 'is required when channel staff register a webhook');
    if (!(await this.database.dataSource.manager.existsBy(DistributorRefEntity, { id: distributorId }))) {
      throw new InvalidInputError('distributorId', `unknown distributor "${distributorId}"`);
    }
    return distributorId;
  }
}
