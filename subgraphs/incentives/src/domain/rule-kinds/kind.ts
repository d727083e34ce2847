import { z } from '@hub/config';
import { parseRate, type IsoDate } from '@hub/domain';
import type { DealFacts, PartnerStanding } from '../facts';
import { amountText, rated, type IncentiveLine, type PayoutLine } from '../lines';
import type { Quarter } from '../periods';

/*
 * What every rule kind module provides: the kind's name, a sentence a newcomer can read, the
 * zod schema of its parameters (the only way parameters enter a computation), and one or more
 * hooks saying where in a statement the kind pays. The registry (./index.ts) lists the modules;
 * the payout sources and the price quote iterate it instead of naming kinds.
 */

/** One version of a rule, typed by its kind's parameters. */
export interface RuleVersionOf<K extends string, P> {
  kind: K;
  programCode: string;
  version: number;
  effectiveFrom: IsoDate;
  /** Inclusive; null while current. */
  effectiveTo: IsoDate | null;
  parameters: P;
}

/** A won deal in a quarter with the partner as it stood on the deal's close date. */
export interface QuarterDeal {
  deal: DealFacts;
  standing: PartnerStanding;
}

/**
 * Who a deal-level kind pays, or that it is a discount off the price. Payouts come out in this
 * order (the seller's own, then the referrer's, then the distributor's).
 */
export const DEAL_ROLES = ['DISCOUNT', 'SELLER', 'REFERRER', 'DISTRIBUTOR'] as const;
export type DealRole = (typeof DEAL_ROLES)[number];

export interface StandingDealHook<R> {
  role: Exclude<DealRole, 'REFERRER'>;
  compute(deal: DealFacts, standing: PartnerStanding, rule: R): IncentiveLine | PayoutLine | null;
  /** When true for a deal, this kind's line replaces every other SELLER line of the deal. */
  replacesSellerPayouts?(deal: DealFacts, standing: PartnerStanding, rule: R): boolean;
}

/**
 * The referrer's payout is computed from the referred deal alone: the seller's standing is not
 * its business, and reading the histories of every referred deal's seller would cost the page
 * a batch of queries for nothing.
 */
export interface ReferrerDealHook<R> {
  role: 'REFERRER';
  compute(deal: DealFacts, rule: R): PayoutLine | null;
}

export type DealHook<R> = StandingDealHook<R> | ReferrerDealHook<R>;

export interface QuarterHook<R> {
  /** A partner's payout over the deals it won in the quarter, under the version in effect on the quarter's last day. */
  compute(partnerId: string, quarter: Quarter, deals: readonly QuarterDeal[], rule: R): PayoutLine | null;
}

export interface RuleKindModule<K extends string, P> {
  readonly kind: K;
  /** What the kind pays and when, in a sentence or two (shown in the API's description of the kind). */
  readonly explanation: string;
  readonly parameters: z.ZodType<P>;
  /** Computed per deal: for the quote (DISCOUNT) or in the deal payouts source. */
  readonly deal?: DealHook<RuleVersionOf<K, P>>;
  /** Computed per partner and quarter in the quarter payouts source. */
  readonly quarter?: QuarterHook<RuleVersionOf<K, P>>;
}

function isRate(text: string): boolean {
  try {
    const rate = parseRate(text);
    return rate.numerator >= 0n && rate.numerator <= rate.denominator;
  } catch {
    return false;
  }
}

/** Parameter building blocks shared by the kinds' schemas. */
export const param = {
  /** An exact rate between 0 and 100 %: "17.5%" or "0.175". */
  rate: z.string().max(24).refine(isRate, { message: 'must be an exact rate from 0% to 100%, such as "17.5%" or "0.175"' }),
  /** A tier, specialization or product line code as the partners and deals subgraphs spell them. */
  code: z.string().regex(/^[A-Z][A-Z0-9_]{0,63}$/, 'must be an upper-case code such as "GOLD" or "HYBRID_CLOUD"'),
  /** Money in minor units, as a decimal string so it survives JSON exactly. */
  minorUnits: z.string().regex(/^\d{1,18}$/, 'must be an amount in minor units as a string of digits, such as "3000000"'),
  segment: z.enum(['SMB', 'ENTERPRISE']),
};

/** One explained deal line: `{rate}` and `{amount}` in the explanation are filled in. */
export function dealLine(rule: { kind: string; version: number }, deal: DealFacts, baseMinor: bigint, rateText: string, explanation: string): IncentiveLine {
  const { text, amountMinor } = rated(baseMinor, rateText);
  return {
    rule: rule.kind as IncentiveLine['rule'],
    ruleVersion: rule.version,
    source: `deal:${deal.dealId}`,
    baseMinor,
    rate: text,
    amountMinor,
    currency: deal.currency,
    explanation: explanation.replace('{rate}', text).replace('{amount}', amountText(amountMinor, deal.currency)),
  };
}
