import { buildSubgraph, parkedEventsResolver } from '@hub/graphql-kit';
import type { IncentivesContext } from './context';
import { DealIncentivesResolver, PartnerIncentivesResolver } from './extensions.resolver';
import { MdfAllocationResolver, MdfClaimResolver, MdfRequestResolver } from './mdf.resolver';
import { JobResolver } from './job.resolver';
import { ProgramMetricsResolver } from './program-metrics.resolver';
import { IncentiveRuleResolver } from './rule.resolver';
import { incentivesReferenceResolvers } from './references';
import { StatementResolver } from './statement.resolver';
import { DealStub } from './types';

const ParkedEventsResolver = parkedEventsResolver<IncentivesContext>('incentives', (context) => ({ claims: context.claims, parked: context.parked }));

export function buildIncentivesSchema() {
  return buildSubgraph({
    resolvers: [StatementResolver, IncentiveRuleResolver, JobResolver, DealIncentivesResolver, PartnerIncentivesResolver, MdfAllocationResolver, MdfRequestResolver, MdfClaimResolver, ParkedEventsResolver, ProgramMetricsResolver],
    // No field of this subgraph returns a Deal, so type-graphql would leave the stub (and with it
    // priceQuote and payoutLines) out of the schema.
    orphanedTypes: [DealStub],
    referenceResolvers: incentivesReferenceResolvers as never,
    // jobUpdated brings its own subscribe (it watches the job's row); type-graphql still asks for a PubSub.
    pubSub: { publish: () => undefined, subscribe: () => { throw new Error('jobUpdated subscribes through watchJob'); } },
  });
}
