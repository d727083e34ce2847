import type { IsoDate } from '@hub/domain';
import { ruleInEffect, type DealFacts, type DealRuleSet, type PartnerStanding, type RuleKind, type RuleVersion } from '../domain';
import { DEMO_RULES } from '../seeds/rules.data';

/*
 * Test data for the incentives domain. Kept here rather than in @hub/testing because it knows
 * only this subgraph's facts and the demo rules it ships.
 */

export const AS_OF: IsoDate = '2026-09-30';

export function demoRule<K extends RuleKind>(programCode: string, kind: K, asOf: IsoDate = AS_OF): RuleVersion<K> {
  const found = ruleInEffect(DEMO_RULES, programCode, kind, asOf);
  if (!found) throw new Error(`no ${kind} rule for ${programCode} on ${asOf}`);
  return found;
}

export function demoRuleSet(programCode: string, asOf: IsoDate = AS_OF): DealRuleSet {
  return {
    FRONT_END_DISCOUNT: ruleInEffect(DEMO_RULES, programCode, 'FRONT_END_DISCOUNT', asOf),
    DEAL_REGISTRATION_DISCOUNT: ruleInEffect(DEMO_RULES, programCode, 'DEAL_REGISTRATION_DISCOUNT', asOf),
    BACK_END_REBATE: ruleInEffect(DEMO_RULES, programCode, 'BACK_END_REBATE', asOf),
    REFERRAL_FEE: ruleInEffect(DEMO_RULES, programCode, 'REFERRAL_FEE', asOf),
    SEGMENT_FLAT_REBATE: ruleInEffect(DEMO_RULES, programCode, 'SEGMENT_FLAT_REBATE', asOf),
    INSTANT_BONUS: ruleInEffect(DEMO_RULES, programCode, 'INSTANT_BONUS', asOf),
    DISTRIBUTOR_INCENTIVE: ruleInEffect(DEMO_RULES, programCode, 'DISTRIBUTOR_INCENTIVE', asOf),
  };
}

/**
 * Every deal rule of the demo configuration at once, whichever program it belongs to, so one deal
 * can meet each kind and the interplay (the flat rebate replacing the partner's own payouts, the
 * referrer and distributor still paid) shows in one result.
 */
export function everyDemoDealRule(asOf: IsoDate = AS_OF): DealRuleSet {
  return {
    FRONT_END_DISCOUNT: demoRule('FR-2023', 'FRONT_END_DISCOUNT', asOf),
    DEAL_REGISTRATION_DISCOUNT: demoRule('FR-2023', 'DEAL_REGISTRATION_DISCOUNT', asOf),
    BACK_END_REBATE: demoRule('FR-2023', 'BACK_END_REBATE', asOf),
    REFERRAL_FEE: demoRule('AU-2014', 'REFERRAL_FEE', asOf),
    SEGMENT_FLAT_REBATE: demoRule('US-2014', 'SEGMENT_FLAT_REBATE', asOf),
    INSTANT_BONUS: demoRule('CH-2011', 'INSTANT_BONUS', asOf),
    DISTRIBUTOR_INCENTIVE: demoRule('US-2014', 'DISTRIBUTOR_INCENTIVE', asOf),
  };
}

export function dealFacts(overrides: Partial<DealFacts> = {}): DealFacts {
  return {
    dealId: 'd1',
    partnerId: 'p1',
    distributorId: null,
    referringPartnerId: null,
    programCode: 'FR-2023',
    type: 'NEW_CUSTOMER',
    productLine: 'NETWORK',
    segment: 'SMB',
    seats: 100,
    amountMinor: 4_000_000n,
    currency: 'EUR',
    registered: true,
    closedOn: '2026-08-14',
    ...overrides,
  };
}

export function partnerStanding(overrides: Partial<PartnerStanding> = {}): PartnerStanding {
  return { partnerId: 'p1', programCode: 'FR-2023', tierCode: 'EXPERT', specializations: [], segmentFocus: 'SMB', ...overrides };
}
