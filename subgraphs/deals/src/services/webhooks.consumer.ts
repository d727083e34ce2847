import { In, type EntityManager } from 'typeorm';
import { newId } from '@hub/db';
import type { DomainEvent } from '@hub/events';
import { WebhookDeliveryEntity } from '../entities/webhook-delivery.entity';
import { WebhookEndpointEntity } from '../entities/webhook-endpoint.entity';
import type { Clock } from '@hub/domain';
import { DEAL_EVENT_KINDS, dealEventType, type DealEventPayload } from './deal-events';

export const WEBHOOKS_CONSUMER = 'deals.webhooks';

export const WEBHOOK_EVENT_TYPES: readonly string[] = DEAL_EVENT_KINDS.map(dealEventType);

/**
 * Turns a deal event into one PENDING delivery per active endpoint of the deal's distributor,
 * in the consumer's transaction. The dispatcher sends them; an event seen again (a replay, a
 * second consumer) finds its deliveries there and adds none, and the unique key
 * (endpointId, eventId) holds even if two transactions raced.
 */
export function enqueueWebhookDeliveries(clock: Clock) {
  return async (event: DomainEvent, manager: EntityManager): Promise<void> => {
    const distributorId = (event.payload as Partial<DealEventPayload> | null)?.distributorId;
    if (!distributorId) return;
    const endpoints = await manager.find(WebhookEndpointEntity, { select: { id: true }, where: { distributorId, active: true } });
    if (endpoints.length === 0) return;
    const existing = await manager.find(WebhookDeliveryEntity, {
      select: { endpointId: true },
      where: { eventId: event.id, endpointId: In(endpoints.map((endpoint) => endpoint.id)) },
    });
    const done = new Set(existing.map((delivery) => delivery.endpointId));
    const now = clock.now();
    const deliveries = endpoints
      .filter((endpoint) => !done.has(endpoint.id))
      .map((endpoint) =>
        manager.create(WebhookDeliveryEntity, {
          id: newId(),
          endpointId: endpoint.id,
          eventId: event.id,
          eventType: event.type,
          occurredAt: new Date(event.occurredAt),
          payload: JSON.stringify(event.payload),
          status: 'PENDING',
          attempts: 0,
          nextAttemptAt: now,
          lastStatusCode: null,
          lastError: null,
          deliveredAt: null,
          createdAt: now,
        }),
      );
    if (deliveries.length > 0) await manager.insert(WebhookDeliveryEntity, deliveries);
  };
}
