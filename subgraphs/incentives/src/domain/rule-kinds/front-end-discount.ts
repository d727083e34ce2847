import { z } from '@hub/config';
import { isNewBusiness, type DealFacts, type PartnerStanding } from '../facts';
import { amountText, type IncentiveLine } from '../lines';
import { dealLine, param, type RuleKindModule, type RuleVersionOf } from './kind';

const parameters = z.strictObject({
  /** New-business rate by tier code; tiers not listed get none. */
  newBusinessRates: z.record(param.code, param.rate),
  renewalRate: param.rate,
});
export type FrontEndDiscountParameters = z.infer<typeof parameters>;

/** Off the price: new business at the tier's rate, renewals at the renewal rate (3–4 × less). */
export function frontEndDiscount(deal: DealFacts, standing: PartnerStanding, rule: RuleVersionOf<'FRONT_END_DISCOUNT', FrontEndDiscountParameters>): IncentiveLine | null {
  if (!isNewBusiness(deal.type)) {
    return dealLine(rule, deal, deal.amountMinor, rule.parameters.renewalRate, `Renewal discount {rate} of ${amountText(deal.amountMinor, deal.currency)}: {amount} off`);
  }
  const rate = rule.parameters.newBusinessRates[standing.tierCode];
  if (rate === undefined) return null;
  return dealLine(rule, deal, deal.amountMinor, rate, `Front-end discount for a ${standing.tierCode} partner on new business: {rate} of ${amountText(deal.amountMinor, deal.currency)}, {amount} off`);
}

export const FRONT_END_DISCOUNT = {
  kind: 'FRONT_END_DISCOUNT',
  explanation: "A discount off the list price: new business at the partner's tier rate on the close date, renewals at the renewal rate.",
  parameters,
  deal: { role: 'DISCOUNT', compute: frontEndDiscount },
} as const satisfies RuleKindModule<'FRONT_END_DISCOUNT', FrontEndDiscountParameters>;
