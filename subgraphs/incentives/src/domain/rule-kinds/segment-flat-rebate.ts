import { z } from '@hub/config';
import type { DealFacts, PartnerStanding } from '../facts';
import { amountText, type PayoutLine } from '../lines';
import { dealLine, param, type RuleKindModule, type RuleVersionOf } from './kind';

const parameters = z.strictObject({
  partnerSegmentFocus: param.segment,
  dealSegment: param.segment,
  rate: param.rate,
});
export type SegmentFlatRebateParameters = z.infer<typeof parameters>;
type Rule = RuleVersionOf<'SEGMENT_FLAT_REBATE', SegmentFlatRebateParameters>;

/** Whether an SMB-focused partner's enterprise deal earns the flat rebate, which replaces its other deal payouts. */
export function segmentFlatRebateApplies(deal: DealFacts, standing: PartnerStanding, rule: Rule): boolean {
  return standing.segmentFocus === rule.parameters.partnerSegmentFocus && deal.segment === rule.parameters.dealSegment;
}

export function segmentFlatRebate(deal: DealFacts, standing: PartnerStanding, rule: Rule): PayoutLine | null {
  if (!segmentFlatRebateApplies(deal, standing, rule)) return null;
  return {
    ...dealLine(rule, deal, deal.amountMinor, rule.parameters.rate, `Flat rebate {rate} for an ${standing.segmentFocus}-focused partner's ${deal.segment} deal of ${amountText(deal.amountMinor, deal.currency)}, instead of other deal incentives: {amount}`),
    payee: { kind: 'PARTNER', id: deal.partnerId },
  };
}

export const SEGMENT_FLAT_REBATE = {
  kind: 'SEGMENT_FLAT_REBATE',
  explanation: "A flat rate for a partner focused on one segment selling into the other; it replaces the partner's other payouts on that deal (the referrer and distributor are still paid).",
  parameters,
  deal: { role: 'SELLER', compute: segmentFlatRebate, replacesSellerPayouts: segmentFlatRebateApplies },
} as const satisfies RuleKindModule<'SEGMENT_FLAT_REBATE', SegmentFlatRebateParameters>;
