import { z } from '@hub/config';
import type { DealFacts } from '../facts';
import { amountText, type PayoutLine } from '../lines';
import { dealLine, param, type RuleKindModule, type RuleVersionOf } from './kind';

const band = z.strictObject({
  /** Inclusive. */
  fromSeats: z.number().int().min(0),
  /** Inclusive; null for no upper bound. */
  toSeats: z.number().int().min(0).nullable(),
  rate: param.rate,
});

const parameters = z.strictObject({ bands: z.array(band).min(1) }).superRefine((value, ctx) => {
  value.bands.forEach((b, i) => {
    if (b.toSeats !== null && b.toSeats < b.fromSeats) ctx.addIssue({ code: 'custom', path: ['bands', i, 'toSeats'], message: `is below fromSeats (${b.fromSeats})` });
    const overlapping = value.bands.findIndex((other, j) => j < i && b.fromSeats <= (other.toSeats ?? Infinity) && other.fromSeats <= (b.toSeats ?? Infinity));
    if (overlapping >= 0) ctx.addIssue({ code: 'custom', path: ['bands', i, 'fromSeats'], message: `overlaps band ${overlapping}: a deal's seats must pick one band` });
  });
});
export type ReferralFeeParameters = z.infer<typeof parameters>;
export type SeatBand = z.infer<typeof band>;

/** To the referring partner, by the seats of the sale it referred. */
export function referralFee(deal: DealFacts, rule: RuleVersionOf<'REFERRAL_FEE', ReferralFeeParameters>): PayoutLine | null {
  if (!deal.referringPartnerId) return null;
  const found = rule.parameters.bands.find((b) => deal.seats >= b.fromSeats && (b.toSeats === null || deal.seats <= b.toSeats));
  if (!found) return null;
  const range = found.toSeats === null ? `${found.fromSeats}+ seats` : `${found.fromSeats}–${found.toSeats} seats`;
  return {
    ...dealLine(rule, deal, deal.amountMinor, found.rate, `Referral fee {rate} (${range}) of the recommended partner buy price ${amountText(deal.amountMinor, deal.currency)} for the referred ${deal.seats}-seat sale: {amount}`),
    payee: { kind: 'PARTNER', id: deal.referringPartnerId },
  };
}

export const REFERRAL_FEE = {
  kind: 'REFERRAL_FEE',
  explanation: 'Paid to the partner that referred a sale, at the rate of the seat band the sale falls in.',
  parameters,
  deal: { role: 'REFERRER', compute: referralFee },
} as const satisfies RuleKindModule<'REFERRAL_FEE', ReferralFeeParameters>;
