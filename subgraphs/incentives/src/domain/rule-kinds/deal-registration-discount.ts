import { z } from '@hub/config';
import { isNewBusiness, type DealFacts, type PartnerStanding } from '../facts';
import type { IncentiveLine } from '../lines';
import { dealLine, param, type RuleKindModule, type RuleVersionOf } from './kind';

const parameters = z.strictObject({
  /** Rate by tier code; tiers not listed get no registration discount. */
  rates: z.record(param.code, param.rate),
});
export type DealRegistrationDiscountParameters = z.infer<typeof parameters>;

/** Off the price, on top: an approved registration of new business, at the tier's rate. */
export function dealRegistrationDiscount(deal: DealFacts, standing: PartnerStanding, rule: RuleVersionOf<'DEAL_REGISTRATION_DISCOUNT', DealRegistrationDiscountParameters>): IncentiveLine | null {
  if (!deal.registered || !isNewBusiness(deal.type)) return null;
  const rate = rule.parameters.rates[standing.tierCode];
  if (rate === undefined) return null;
  return dealLine(rule, deal, deal.amountMinor, rate, `Deal-registration discount for a ${standing.tierCode} partner's approved registration: {rate}, {amount} off`);
}

export const DEAL_REGISTRATION_DISCOUNT = {
  kind: 'DEAL_REGISTRATION_DISCOUNT',
  explanation: 'A further discount off the list price for new business whose registration the vendor approved, at the tier rate.',
  parameters,
  deal: { role: 'DISCOUNT', compute: dealRegistrationDiscount },
} as const satisfies RuleKindModule<'DEAL_REGISTRATION_DISCOUNT', DealRegistrationDiscountParameters>;
