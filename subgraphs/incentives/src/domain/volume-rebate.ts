import { isNewBusiness, type DealFacts, type PartnerStanding } from './facts';
import { amountText, rated, type PayoutLine } from './lines';
import type { Quarter } from './periods';
import type { RuleVersion } from './rules';

export interface QuarterDeal {
  deal: DealFacts;
  /** The partner as it stood on the deal's close date. */
  standing: PartnerStanding;
}

/**
 * A quarter's volume rebate for one partner: the new-business deals it won in the quarter while
 * in an eligible tier (renewals excluded) form the base; the highest band that base reaches sets
 * one rate for the whole base. Below the first band, nothing.
 */
export function volumeRebate(partnerId: string, quarter: Quarter, deals: readonly QuarterDeal[], rule: RuleVersion<'VOLUME_REBATE'>): PayoutLine | null {
  const counted = deals.filter(
    ({ deal, standing }) => deal.partnerId === partnerId && isNewBusiness(deal.type) && rule.parameters.eligibleTiers.includes(standing.tierCode),
  );
  if (counted.length === 0) return null;
  const currency = counted[0]!.deal.currency;
  const baseMinor = counted.reduce((sum, { deal }) => sum + deal.amountMinor, 0n);
  const band = [...rule.parameters.bands].reverse().find((b) => baseMinor >= BigInt(b.fromMinor));
  if (!band) return null;
  const { text, amountMinor } = rated(baseMinor, band.rate);
  const renewals = deals.filter(({ deal }) => deal.partnerId === partnerId && !isNewBusiness(deal.type)).length;
  return {
    rule: rule.kind,
    ruleVersion: rule.version,
    source: `quarter:${partnerId}:${quarter}`,
    baseMinor,
    rate: text,
    amountMinor,
    currency,
    explanation:
      `Volume rebate ${quarter}: new-business sales ${amountText(baseMinor, currency)} over ${counted.length} deal${counted.length === 1 ? '' : 's'}` +
      `${renewals > 0 ? ` (${renewals} renewal${renewals === 1 ? '' : 's'} excluded)` : ''} reach the ${amountText(BigInt(band.fromMinor), currency)} band: ${text} of the whole base, ${amountText(amountMinor, currency)}`,
    payee: { kind: 'PARTNER', id: partnerId },
  };
}
