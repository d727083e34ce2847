import { createPubSub } from '@graphql-yoga/subscription';
import { buildSubgraph, parkedEventsResolver } from '@hub/graphql-kit';
import type { DealsContext } from './context';
import { DealLineResolver, DealResolver, PartnerDealsResolver } from './deal.resolver';
import { PipelineFunnelResolver } from './pipeline-funnel.resolver';
import { dealsReferenceResolvers } from './references';
import { WebhookDeliveryResolver, WebhookEndpointResolver } from './webhook.resolver';

const ParkedEventsResolver = parkedEventsResolver<DealsContext>('deals', (context) => ({ claims: context.claims, parked: context.parked }));

export function buildDealsSchema() {
  return buildSubgraph({
    resolvers: [DealResolver, DealLineResolver, PartnerDealsResolver, WebhookEndpointResolver, WebhookDeliveryResolver, ParkedEventsResolver, PipelineFunnelResolver],
    referenceResolvers: dealsReferenceResolvers as never,
    // dealUpdated subscribes through the server's LiveDeals; this PubSub only satisfies type-graphql.
    pubSub: createPubSub(),
  });
}
