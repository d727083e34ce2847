import { buildSubgraph } from '@hub/graphql-kit';
import { DealLineResolver, DealResolver, PartnerDealsResolver } from './deal.resolver';
import { dealsReferenceResolvers } from './references';

export function buildDealsSchema() {
  return buildSubgraph({
    resolvers: [DealResolver, DealLineResolver, PartnerDealsResolver],
    referenceResolvers: dealsReferenceResolvers as never,
  });
}
