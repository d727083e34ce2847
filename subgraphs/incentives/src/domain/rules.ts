import type { IsoDate } from '@hub/domain';

/**
 * The kinds of incentive rule. Each is data — a program, a version, effective dates and
 * parameters — interpreted by one pure function in this folder.
 */
export const RULE_KINDS = [
  'FRONT_END_DISCOUNT',
  'DEAL_REGISTRATION_DISCOUNT',
  'BACK_END_REBATE',
  'REFERRAL_FEE',
  'VOLUME_REBATE',
  'SEGMENT_FLAT_REBATE',
  'INSTANT_BONUS',
  'DISTRIBUTOR_INCENTIVE',
  'MDF',
  'CLAWBACK',
] as const;
export type RuleKind = (typeof RULE_KINDS)[number];

/** Rates are exact decimal strings ("17.5%"); money thresholds are minor units as decimal strings. */
export interface FrontEndDiscountParameters {
  /** New-business rate by tier code. */
  newBusinessRates: Record<string, string>;
  renewalRate: string;
}

export interface DealRegistrationDiscountParameters {
  /** Rate by tier code; tiers not listed get no registration discount. */
  rates: Record<string, string>;
}

export interface BackEndRebateParameters {
  baseRate: string;
  /** Added when the partner holds the specialization of the deal's product line. */
  specializationUplift: string;
  /** Product line → the specialization that earns the uplift on it. */
  specializationByProductLine: Record<string, string>;
}

export interface SeatBand {
  /** Inclusive. */
  fromSeats: number;
  /** Inclusive; null for no upper bound. */
  toSeats: number | null;
  rate: string;
}

export interface ReferralFeeParameters {
  bands: SeatBand[];
}

export interface RevenueBand {
  /** Inclusive lower bound of the quarter's base, in minor units. */
  fromMinor: string;
  rate: string;
}

export interface VolumeRebateParameters {
  /** Tiers whose deals earn it (the tier on each deal's close date). */
  eligibleTiers: string[];
  /** Ascending; the highest band the whole quarter's base reaches sets one rate for all of it. */
  bands: RevenueBand[];
}

export interface SegmentFlatRebateParameters {
  partnerSegmentFocus: 'SMB' | 'ENTERPRISE';
  dealSegment: 'SMB' | 'ENTERPRISE';
  rate: string;
}

export interface InstantBonusParameters {
  productLines: string[];
  rate: string;
}

export interface DistributorIncentiveParameters {
  /** Partner tiers whose distributor-fulfilled sales pay the distributor. */
  partnerTiers: string[];
  rate: string;
}

export interface MdfParameters {
  /** Tiers that may receive an allocation. */
  eligibleTiers: string[];
}

export interface RuleParametersByKind {
  FRONT_END_DISCOUNT: FrontEndDiscountParameters;
  DEAL_REGISTRATION_DISCOUNT: DealRegistrationDiscountParameters;
  BACK_END_REBATE: BackEndRebateParameters;
  REFERRAL_FEE: ReferralFeeParameters;
  VOLUME_REBATE: VolumeRebateParameters;
  SEGMENT_FLAT_REBATE: SegmentFlatRebateParameters;
  INSTANT_BONUS: InstantBonusParameters;
  DISTRIBUTOR_INCENTIVE: DistributorIncentiveParameters;
  MDF: MdfParameters;
  CLAWBACK: Record<string, never>;
}

/** One version of a rule in a program, in effect over [effectiveFrom, effectiveTo]. */
export interface RuleVersion<K extends RuleKind = RuleKind> {
  kind: K;
  programCode: string;
  version: number;
  effectiveFrom: IsoDate;
  /** Inclusive; null while current. */
  effectiveTo: IsoDate | null;
  parameters: RuleParametersByKind[K];
}

/** The version of each kind in effect on a date: closed periods keep the rules they were computed under. */
export function ruleInEffect<K extends RuleKind>(rules: readonly RuleVersion[], programCode: string, kind: K, asOf: IsoDate): RuleVersion<K> | undefined {
  let found: RuleVersion<K> | undefined;
  for (const rule of rules) {
    if (rule.kind !== kind || rule.programCode !== programCode) continue;
    if (rule.effectiveFrom > asOf || (rule.effectiveTo !== null && rule.effectiveTo < asOf)) continue;
    if (!found || rule.version > found.version) found = rule as RuleVersion<K>;
  }
  return found;
}
