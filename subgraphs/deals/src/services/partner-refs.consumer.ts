import { definePartnerFactsConsumer } from '@hub/contracts';
import { DistributorRefEntity, PartnerRefEntity } from '../entities/partner-ref.entity';

export const PARTNER_FACTS_CONSUMER = 'deals.partner-facts';

/** Keeps deals' copy of partner and distributor facts current from the partners subgraph's events. */
export const partnerFactsConsumer = definePartnerFactsConsumer(PARTNER_FACTS_CONSUMER, {
  partners: { entity: PartnerRefEntity },
  distributors: { entity: DistributorRefEntity },
});
