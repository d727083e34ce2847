import { definePartnerFactsConsumer } from '@hub/contracts';
import { DistributorRefEntity, PartnerRefEntity } from '../entities';

export const PARTNER_FACTS_CONSUMER = 'licenses.partner-facts';

/**
 * Keeps licences' copy of partner and distributor facts current from the partners subgraph's
 * events, with what renewals and the usage-based program need beyond the shared columns.
 */
export const partnerFactsConsumer = definePartnerFactsConsumer(PARTNER_FACTS_CONSUMER, {
  partners: { entity: PartnerRefEntity, extras: (snapshot) => ({ businessModels: snapshot.businessModels }) },
  distributors: { entity: DistributorRefEntity, extras: (snapshot) => ({ handlesRenewals: snapshot.handlesRenewals, usageBasedProgram: snapshot.usageBasedProgram }) },
});
