import { createPubSub } from '@graphql-yoga/subscription';
import { buildSubgraph } from '@hub/graphql-kit';
import { DealLineResolver, DealResolver, PartnerDealsResolver } from './deal.resolver';
import { dealsReferenceResolvers } from './references';
import { WebhookDeliveryResolver, WebhookEndpointResolver } from './webhook.resolver';

export function buildDealsSchema() {
  return buildSubgraph({
    resolvers: [DealResolver, DealLineResolver, PartnerDealsResolver, WebhookEndpointResolver, WebhookDeliveryResolver],
    referenceResolvers: dealsReferenceResolvers as never,
    // dealUpdated subscribes through the server's LiveDeals; this PubSub only satisfies type-graphql.
    pubSub: createPubSub(),
  });
}
