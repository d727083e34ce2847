import { z } from '@hub/config';
import { isNewBusiness } from '../facts';
import { amountText, rated, type PayoutLine } from '../lines';
import type { Quarter } from '../periods';
import { param, type QuarterDeal, type RuleKindModule, type RuleVersionOf } from './kind';

const parameters = z
  .strictObject({
    /** Tiers whose deals earn it (the tier on each deal's close date). */
    eligibleTiers: z.array(param.code),
    /** Ascending; the highest band the whole quarter's base reaches sets one rate for all of it. */
    bands: z.array(z.strictObject({ fromMinor: param.minorUnits, rate: param.rate })).min(1),
  })
  .superRefine((value, ctx) => {
    value.bands.forEach((band, i) => {
      if (i > 0 && BigInt(band.fromMinor) <= BigInt(value.bands[i - 1]!.fromMinor)) {
        ctx.addIssue({ code: 'custom', path: ['bands', i, 'fromMinor'], message: 'bands must ascend: each starts above the one before' });
      }
    });
  });
export type VolumeRebateParameters = z.infer<typeof parameters>;
export type RevenueBand = VolumeRebateParameters['bands'][number];

/**
 * A quarter's volume rebate for one partner: the new-business deals it won in the quarter while
 * in an eligible tier (renewals excluded) form the base; the highest band that base reaches sets
 * one rate for the whole base. Below the first band, nothing.
 */
export function volumeRebate(partnerId: string, quarter: Quarter, deals: readonly QuarterDeal[], rule: RuleVersionOf<'VOLUME_REBATE', VolumeRebateParameters>): PayoutLine | null {
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

export const VOLUME_REBATE = {
  kind: 'VOLUME_REBATE',
  explanation: "Paid to the partner per quarter: its new-business sales of the quarter while in an eligible tier form the base, and the highest revenue band the base reaches sets one rate for all of it.",
  parameters,
  quarter: { compute: volumeRebate },
} as const satisfies RuleKindModule<'VOLUME_REBATE', VolumeRebateParameters>;
