import { In, type DataSource } from 'typeorm';
import { manyLoader, oneLoader } from '@hub/graphql-kit';
import { WebhookAttemptEntity } from '../entities/webhook-attempt.entity';
import { WebhookEndpointEntity } from '../entities/webhook-endpoint.entity';

/** Per-request loaders for a page of deliveries: one query for their endpoints, one for their attempts. */
export function createWebhookLoaders(dataSource: DataSource) {
  const manager = dataSource.manager;
  return {
    webhookEndpoint: oneLoader((ids) => manager.findBy(WebhookEndpointEntity, { id: In([...ids]) }), (endpoint) => endpoint.id),
    attemptsByDelivery: manyLoader(
      (ids) => manager.find(WebhookAttemptEntity, { where: { deliveryId: In([...ids]) }, order: { id: 'ASC' } }),
      (attempt) => attempt.deliveryId,
    ),
  };
}

export type WebhookLoaders = ReturnType<typeof createWebhookLoaders>;
