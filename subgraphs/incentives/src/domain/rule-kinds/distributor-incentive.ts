import { z } from '@hub/config';
import type { DealFacts, PartnerStanding } from '../facts';
import { amountText, type PayoutLine } from '../lines';
import { dealLine, param, type RuleKindModule, type RuleVersionOf } from './kind';

const parameters = z.strictObject({
  /** Partner tiers whose distributor-fulfilled sales pay the distributor. */
  partnerTiers: z.array(param.code),
  rate: param.rate,
});
export type DistributorIncentiveParameters = z.infer<typeof parameters>;

/** To the distributor that fulfilled a sale for a partner in one of the listed (lower) tiers. */
export function distributorIncentive(deal: DealFacts, standing: PartnerStanding, rule: RuleVersionOf<'DISTRIBUTOR_INCENTIVE', DistributorIncentiveParameters>): PayoutLine | null {
  if (!deal.distributorId || !rule.parameters.partnerTiers.includes(standing.tierCode)) return null;
  return {
    ...dealLine(rule, deal, deal.amountMinor, rule.parameters.rate, `Distributor incentive {rate} on a sale of ${amountText(deal.amountMinor, deal.currency)} fulfilled for a ${standing.tierCode} partner: {amount}`),
    payee: { kind: 'DISTRIBUTOR', id: deal.distributorId },
  };
}

export const DISTRIBUTOR_INCENTIVE = {
  kind: 'DISTRIBUTOR_INCENTIVE',
  explanation: 'Paid to the distributor that fulfilled a sale for a partner in one of the listed tiers on the close date.',
  parameters,
  deal: { role: 'DISTRIBUTOR', compute: distributorIncentive },
} as const satisfies RuleKindModule<'DISTRIBUTOR_INCENTIVE', DistributorIncentiveParameters>;
