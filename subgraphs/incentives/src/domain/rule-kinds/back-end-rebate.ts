import { z } from '@hub/config';
import { isNewBusiness, type DealFacts, type PartnerStanding } from '../facts';
import { addRates, amountText, type PayoutLine } from '../lines';
import { dealLine, param, type RuleKindModule, type RuleVersionOf } from './kind';

const parameters = z.strictObject({
  baseRate: param.rate,
  /** Added when the partner holds the specialization of the deal's product line. */
  specializationUplift: param.rate,
  /** Product line → the specialization that earns the uplift on it. */
  specializationByProductLine: z.record(param.code, param.code),
});
export type BackEndRebateParameters = z.infer<typeof parameters>;

/** Paid after the sale: a registered new-business deal won, more with the product line's specialization. */
export function backEndRebate(deal: DealFacts, standing: PartnerStanding, rule: RuleVersionOf<'BACK_END_REBATE', BackEndRebateParameters>): PayoutLine | null {
  if (!deal.registered || !isNewBusiness(deal.type)) return null;
  const specialization = rule.parameters.specializationByProductLine[deal.productLine];
  const uplifted = specialization !== undefined && standing.specializations.includes(specialization);
  const rate = uplifted ? addRates(rule.parameters.baseRate, rule.parameters.specializationUplift) : rule.parameters.baseRate;
  const why = uplifted
    ? `Back-end rebate {rate} (${rule.parameters.baseRate} + ${rule.parameters.specializationUplift} for holding ${specialization}) on the won registered deal of ${amountText(deal.amountMinor, deal.currency)}: {amount}`
    : `Back-end rebate {rate} on the won registered deal of ${amountText(deal.amountMinor, deal.currency)}: {amount}`;
  return { ...dealLine(rule, deal, deal.amountMinor, rate, why), payee: { kind: 'PARTNER', id: deal.partnerId } };
}

export const BACK_END_REBATE = {
  kind: 'BACK_END_REBATE',
  explanation: "Paid to the partner after a registered new-business deal is won: the base rate, plus the uplift when the partner holds the specialization of the deal's product line.",
  parameters,
  deal: { role: 'SELLER', compute: backEndRebate },
} as const satisfies RuleKindModule<'BACK_END_REBATE', BackEndRebateParameters>;
