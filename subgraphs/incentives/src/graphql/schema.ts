import { buildSubgraph } from '@hub/graphql-kit';
import { DealIncentivesResolver, PartnerIncentivesResolver } from './extensions.resolver';
import { MdfAllocationResolver, MdfClaimResolver, MdfRequestResolver } from './mdf.resolver';
import { incentivesReferenceResolvers } from './references';
import { StatementResolver } from './statement.resolver';

export function buildIncentivesSchema() {
  return buildSubgraph({
    resolvers: [StatementResolver, DealIncentivesResolver, PartnerIncentivesResolver, MdfAllocationResolver, MdfRequestResolver, MdfClaimResolver],
    referenceResolvers: incentivesReferenceResolvers as never,
  });
}
