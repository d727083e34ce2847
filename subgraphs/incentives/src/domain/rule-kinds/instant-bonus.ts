import { z } from '@hub/config';
import type { DealFacts } from '../facts';
import { amountText, type PayoutLine } from '../lines';
import { dealLine, param, type RuleKindModule, type RuleVersionOf } from './kind';

const parameters = z.strictObject({
  productLines: z.array(param.code),
  rate: param.rate,
});
export type InstantBonusParameters = z.infer<typeof parameters>;

/** Paid with the statement of the close, not as a later kickback: on the listed product lines. */
export function instantBonus(deal: DealFacts, rule: RuleVersionOf<'INSTANT_BONUS', InstantBonusParameters>): PayoutLine | null {
  if (!rule.parameters.productLines.includes(deal.productLine)) return null;
  return {
    ...dealLine(rule, deal, deal.amountMinor, rule.parameters.rate, `Instant bonus {rate} on a ${deal.productLine} sale of ${amountText(deal.amountMinor, deal.currency)} closed ${deal.closedOn ?? ''}: {amount}`),
    payee: { kind: 'PARTNER', id: deal.partnerId },
  };
}

export const INSTANT_BONUS = {
  kind: 'INSTANT_BONUS',
  explanation: 'Paid to the partner with the statement of the quarter a sale of one of the listed product lines closed in.',
  parameters,
  deal: { role: 'SELLER', compute: (deal, _standing, rule) => instantBonus(deal, rule) },
} as const satisfies RuleKindModule<'INSTANT_BONUS', InstantBonusParameters>;
