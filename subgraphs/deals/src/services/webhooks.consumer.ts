import { In, type EntityManager } from 'typeorm';
import { newId } from '@hub/db';
import { defineConsumer } from '@hub/contracts';
import type { DomainEvent } from '@hub/events';
import { WebhookDeliveryEntity } from '../entities/webhook-delivery.entity';
import { WebhookEndpointEntity } from '../entities/webhook-endpoint.entity';
import type { Clock } from '@hub/domain';
import type { DealEventPayload } from './deal-events';

export const WEBHOOKS_CONSUMER = 'deals.webhooks';

/**
 * Turns a deal event into one PENDING delivery per active endpoint of the deal's distributor
 * that subscribed to its type (or to every type),
 * in the consumer's transaction. The dispatcher sends them; an event seen again (a replay, a
 * second consumer) finds its deliveries there and adds none, and the unique key
 * (endpointId, eventId) holds even if two transactions raced.
 */
export function enqueueWebhookDeliveries(clock: Clock) {
  return async (event: DomainEvent<DealEventPayload>, manager: EntityManager): Promise<void> => {
    const { distributorId } = event.payload;
    if (!distributorId) return;
    const endpoints = (await manager.find(WebhookEndpointEntity, { select: { id: true, eventTypes: true }, where: { distributorId, active: true } })).filter(
      (endpoint) => endpoint.eventTypes === null || endpoint.eventTypes.includes(event.type),
    );
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

/** The consumer of every deal.* event, version 1, that enqueues distributors' webhook deliveries. */
export function webhooksConsumer(clock: Clock) {
  const enqueue = enqueueWebhookDeliveries(clock);
  const v1 = { 1: (_payload: DealEventPayload, event: DomainEvent<DealEventPayload>, manager: EntityManager) => enqueue(event, manager) };
  return defineConsumer(WEBHOOKS_CONSUMER, {
    'deal.submitted': v1,
    'deal.approved': v1,
    'deal.rejected': v1,
    'deal.withdrawn': v1,
    'deal.extended': v1,
    'deal.won': v1,
    'deal.lost': v1,
    'deal.expired': v1,
    'deal.reversed': v1,
    'deal.conflict_resolved': v1,
  });
}
