import { In, type EntityManager } from 'typeorm';
import { newId } from '@hub/db';
import { defineConsumer, type EventPayload } from '@hub/contracts';
import type { DomainEvent } from '@hub/events';
import { WebhookDeliveryEntity } from '../entities/webhook-delivery.entity';
import { WebhookEndpointEntity } from '../entities/webhook-endpoint.entity';
import type { Clock } from '@hub/domain';
import { statementDistributor, type WEBHOOK_EVENT_TYPES } from '../domain/webhooks';

export const WEBHOOKS_CONSUMER = 'deals.webhooks';

/**
 * Turns an event into one PENDING delivery per active endpoint of `distributorId` that
 * subscribed to its type (or to every type), in the consumer's transaction; nothing when the
 * event belongs to no distributor. The dispatcher sends them; an event seen again (a replay, a
 * second consumer) finds its deliveries there and adds none, and the unique key
 * (endpointId, eventId) holds even if two transactions raced.
 */
export function enqueueWebhookDeliveries(clock: Clock) {
  return async (event: DomainEvent, distributorId: string | null, manager: EntityManager): Promise<void> => {
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
          eventVersion: event.version,
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

type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[keyof typeof WEBHOOK_EVENT_TYPES];
type Enqueue = ReturnType<typeof enqueueWebhookDeliveries>;

/** Version 1 of `type`, delivered to the distributor `recipient` reads from its payload. */
function v1<T extends WebhookEventType>(enqueue: Enqueue, recipient: (payload: EventPayload<T, 1>) => string | null) {
  return { 1: (payload: EventPayload<T, 1>, event: DomainEvent<EventPayload<T, 1>>, manager: EntityManager) => enqueue(event, recipient(payload), manager) };
}

/**
 * The consumer, version 1 of every type an endpoint can subscribe to, that enqueues
 * distributors' webhook deliveries. Who receives what is decided here, from the payload alone:
 * a deal's or a licence's distributor (a renewal by a distributor makes it the licence's), the
 * distributor a usage statement's reseller is invoiced by, and the payee of an incentive
 * statement when that payee is a distributor. Never anyone else's.
 */
export function webhooksConsumer(clock: Clock) {
  const enqueue = enqueueWebhookDeliveries(clock);
  const ofDistributor = (payload: { distributorId: string | null }) => payload.distributorId;
  const handlers = {
    'deal.submitted': v1<'deal.submitted'>(enqueue, ofDistributor),
    'deal.approved': v1<'deal.approved'>(enqueue, ofDistributor),
    'deal.rejected': v1<'deal.rejected'>(enqueue, ofDistributor),
    'deal.withdrawn': v1<'deal.withdrawn'>(enqueue, ofDistributor),
    'deal.extended': v1<'deal.extended'>(enqueue, ofDistributor),
    'deal.won': v1<'deal.won'>(enqueue, ofDistributor),
    'deal.lost': v1<'deal.lost'>(enqueue, ofDistributor),
    'deal.expired': v1<'deal.expired'>(enqueue, ofDistributor),
    'deal.reversed': v1<'deal.reversed'>(enqueue, ofDistributor),
    'deal.conflict_resolved': v1<'deal.conflict_resolved'>(enqueue, ofDistributor),
    'license.issued': v1<'license.issued'>(enqueue, ofDistributor),
    'license.renewed': v1<'license.renewed'>(enqueue, ofDistributor),
    'license.expiring': v1<'license.expiring'>(enqueue, ofDistributor),
    'usage.statement_issued': v1<'usage.statement_issued'>(enqueue, ofDistributor),
    'statement.approved': v1<'statement.approved'>(enqueue, statementDistributor),
    'statement.paid': v1<'statement.paid'>(enqueue, statementDistributor),
  } satisfies Record<WebhookEventType, unknown>;
  return defineConsumer(WEBHOOKS_CONSUMER, handlers);
}
