import type { z } from '@hub/config';
import { InvalidInputError } from '@hub/domain';
import { BACK_END_REBATE } from './back-end-rebate';
import { CLAWBACK } from './clawback';
import { DEAL_REGISTRATION_DISCOUNT } from './deal-registration-discount';
import { DISTRIBUTOR_INCENTIVE } from './distributor-incentive';
import { FRONT_END_DISCOUNT } from './front-end-discount';
import { INSTANT_BONUS } from './instant-bonus';
import type { RuleKindModule } from './kind';
import { MDF } from './mdf';
import { REFERRAL_FEE } from './referral-fee';
import { SEGMENT_FLAT_REBATE } from './segment-flat-rebate';
import { VOLUME_REBATE } from './volume-rebate';

/**
 * The rule registry: every kind of incentive rule, one module each. A new kind is a new module
 * in this folder and a line here; the quote, the payout sources, the parameter validation of
 * publishIncentiveRule and the API's enum of kinds all follow from this list.
 */
export const RULE_KIND_MODULES = [
  FRONT_END_DISCOUNT,
  DEAL_REGISTRATION_DISCOUNT,
  BACK_END_REBATE,
  REFERRAL_FEE,
  VOLUME_REBATE,
  SEGMENT_FLAT_REBATE,
  INSTANT_BONUS,
  DISTRIBUTOR_INCENTIVE,
  MDF,
  CLAWBACK,
] as const;

type Registered = (typeof RULE_KIND_MODULES)[number];
export type RuleKind = Registered['kind'];
export const RULE_KINDS: readonly RuleKind[] = RULE_KIND_MODULES.map((module) => module.kind);
export type RuleParametersByKind = { [M in Registered as M['kind']]: z.infer<M['parameters']> };

/** A module with its parameters' type erased, for code that walks every kind. */
export type AnyRuleKindModule = RuleKindModule<RuleKind, unknown>;
export const ruleKindModules: readonly AnyRuleKindModule[] = RULE_KIND_MODULES;

const byKind = new Map<string, AnyRuleKindModule>(ruleKindModules.map((module) => [module.kind, module]));

export function isRuleKind(kind: string): kind is RuleKind {
  return byKind.has(kind);
}

export function ruleKindModule(kind: RuleKind): AnyRuleKindModule {
  return byKind.get(kind)!;
}

export interface ParameterIssue {
  /** `parameters.newBusinessRates.GOLD`, `parameters.bands[1].rate`. */
  path: string;
  message: string;
}

/** Every problem of a kind's parameters, each with the path of the parameter at fault. */
export function ruleParameterIssues(kind: RuleKind, raw: unknown, root = 'parameters'): ParameterIssue[] {
  const result = ruleKindModule(kind).parameters.safeParse(raw);
  if (result.success) return [];
  return result.error.issues.map((issue) => ({
    path: issue.path.reduce<string>((path, key) => (typeof key === 'number' ? `${path}[${key}]` : `${path}.${String(key)}`), root),
    message: issue.message,
  }));
}

/**
 * The parameters as the kind's schema reads them, or BAD_USER_INPUT naming the first parameter
 * at fault (the message lists them all).
 */
export function parseRuleParameters<K extends RuleKind>(kind: K, raw: unknown, root = 'parameters'): RuleParametersByKind[K] {
  const issues = ruleParameterIssues(kind, raw, root);
  if (issues.length > 0) {
    throw new InvalidInputError(issues[0]!.path, `${issues[0]!.message}${issues.length > 1 ? ` (and ${issues.slice(1).map((i) => `${i.path}: ${i.message}`).join('; ')})` : ''}`);
  }
  return ruleKindModule(kind).parameters.parse(raw) as RuleParametersByKind[K];
}

export { DEAL_ROLES, param, type DealHook, type DealRole, type QuarterDeal, type QuarterHook, type ReferrerDealHook, type RuleKindModule, type RuleVersionOf, type StandingDealHook } from './kind';
export { backEndRebate, type BackEndRebateParameters } from './back-end-rebate';
export { clawback, quarterRebateClawback, type QuarterRebateReversal } from './clawback';
export { dealRegistrationDiscount, type DealRegistrationDiscountParameters } from './deal-registration-discount';
export { distributorIncentive, type DistributorIncentiveParameters } from './distributor-incentive';
export { frontEndDiscount, type FrontEndDiscountParameters } from './front-end-discount';
export { instantBonus, type InstantBonusParameters } from './instant-bonus';
export { mdfPayout, type ApprovedMdfClaim, type MdfParameters } from './mdf';
export { referralFee, type ReferralFeeParameters, type SeatBand } from './referral-fee';
export { segmentFlatRebate, segmentFlatRebateApplies, type SegmentFlatRebateParameters } from './segment-flat-rebate';
export { volumeRebate, type RevenueBand, type VolumeRebateParameters } from './volume-rebate';
