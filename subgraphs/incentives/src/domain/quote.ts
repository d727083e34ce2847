import type { DealFacts, PartnerStanding } from './facts';
import { backEndRebate, dealRegistrationDiscount, distributorIncentive, frontEndDiscount, instantBonus, referralFee, segmentFlatRebate, segmentFlatRebateApplies } from './deal-rules';
import type { IncentiveLine, PayoutLine } from './lines';
import type { RuleVersion } from './rules';

/** The rule versions in effect for one deal's program on its date; absent kinds do not apply. */
export interface DealRuleSet {
  frontEnd?: RuleVersion<'FRONT_END_DISCOUNT'>;
  registration?: RuleVersion<'DEAL_REGISTRATION_DISCOUNT'>;
  backEnd?: RuleVersion<'BACK_END_REBATE'>;
  referral?: RuleVersion<'REFERRAL_FEE'>;
  segmentFlat?: RuleVersion<'SEGMENT_FLAT_REBATE'>;
  instantBonus?: RuleVersion<'INSTANT_BONUS'>;
  distributor?: RuleVersion<'DISTRIBUTOR_INCENTIVE'>;
}

export interface PriceQuote {
  listMinor: bigint;
  discounts: IncentiveLine[];
  netMinor: bigint;
  currency: string;
}

/**
 * The partner's price: list, each discount off it, net. Discounts stack on new business (front
 * end + registration); a renewal gets the renewal rate alone. Each is a rate of the list price.
 */
export function priceQuote(deal: DealFacts, standing: PartnerStanding, rules: DealRuleSet): PriceQuote {
  const discounts = [
    rules.frontEnd && frontEndDiscount(deal, standing, rules.frontEnd),
    rules.registration && dealRegistrationDiscount(deal, standing, rules.registration),
  ].filter((line): line is IncentiveLine => Boolean(line));
  const off = discounts.reduce((sum, line) => sum + line.amountMinor, 0n);
  return { listMinor: deal.amountMinor, discounts, netMinor: deal.amountMinor - off, currency: deal.currency };
}

/**
 * Everything a won deal pays, to whom. An SMB-focused partner's enterprise deal earns the flat
 * rebate instead of its other deal incentives; the referrer's fee and the distributor's
 * incentive go to other payees and are not affected.
 */
export function dealPayouts(deal: DealFacts, standing: PartnerStanding, rules: DealRuleSet): PayoutLine[] {
  const flat = rules.segmentFlat && segmentFlatRebateApplies(deal, standing, rules.segmentFlat);
  const own = flat
    ? [segmentFlatRebate(deal, standing, rules.segmentFlat!)]
    : [rules.backEnd && backEndRebate(deal, standing, rules.backEnd), rules.instantBonus && instantBonus(deal, rules.instantBonus)];
  const others = [rules.referral && referralFee(deal, rules.referral), rules.distributor && distributorIncentive(deal, standing, rules.distributor)];
  return [...own, ...others].filter((line): line is PayoutLine => Boolean(line)).filter((line) => line.amountMinor !== 0n);
}
