import type { DealFacts, PartnerStanding } from './facts';
import type { IncentiveLine, PayoutLine } from './lines';
import { DEAL_ROLES, ruleKindModules, type DealRole, type ReferrerDealHook, type RuleVersionOf, type StandingDealHook } from './rule-kinds';
import type { RuleKind, RuleSet } from './rules';

/** The rule versions in effect for one deal's program on its date; absent kinds do not apply. */
export type DealRuleSet = RuleSet;

export interface PriceQuote {
  listMinor: bigint;
  discounts: IncentiveLine[];
  netMinor: bigint;
  currency: string;
}

type AnyRule = RuleVersionOf<RuleKind, unknown>;

/** The registry's deal-level kinds of one role, in registry order, each with the version the set holds. */
function hooks(rules: DealRuleSet, role: Exclude<DealRole, 'REFERRER'>): { hook: StandingDealHook<AnyRule>; rule: AnyRule }[];
function hooks(rules: DealRuleSet, role: 'REFERRER'): { hook: ReferrerDealHook<AnyRule>; rule: AnyRule }[];
function hooks(rules: DealRuleSet, role: DealRole): { hook: StandingDealHook<AnyRule> | ReferrerDealHook<AnyRule>; rule: AnyRule }[] {
  const found: { hook: StandingDealHook<AnyRule> | ReferrerDealHook<AnyRule>; rule: AnyRule }[] = [];
  for (const module of ruleKindModules) {
    const rule = rules[module.kind] as AnyRule | undefined;
    if (module.deal?.role === role && rule) found.push({ hook: module.deal, rule });
  }
  return found;
}

/** What a won deal pays the partner that referred it; the seller's standing plays no part. */
export function referrerPayouts(deal: DealFacts, rules: DealRuleSet): PayoutLine[] {
  return hooks(rules, 'REFERRER')
    .map(({ hook, rule }) => hook.compute(deal, rule))
    .filter((line): line is PayoutLine => line !== null && line.amountMinor !== 0n);
}

/**
 * The partner's price: list, each discount off it, net. Discounts stack on new business (front
 * end + registration); a renewal gets the renewal rate alone. Each is a rate of the list price.
 */
export function priceQuote(deal: DealFacts, standing: PartnerStanding, rules: DealRuleSet): PriceQuote {
  const discounts = hooks(rules, 'DISCOUNT')
    .map(({ hook, rule }) => hook.compute(deal, standing, rule))
    .filter((line): line is IncentiveLine => Boolean(line));
  const off = discounts.reduce((sum, line) => sum + line.amountMinor, 0n);
  return { listMinor: deal.amountMinor, discounts, netMinor: deal.amountMinor - off, currency: deal.currency };
}

/**
 * Everything a won deal pays, to whom: the seller's own payouts, then the referrer's, then the
 * distributor's. A kind that replaces the seller's payouts (an SMB-focused partner's enterprise
 * deal earns the flat rebate instead) leaves only its own seller line; the referrer's fee and
 * the distributor's incentive go to other payees and are not affected. `roles` narrows it to
 * some payees (a payout source pays the seller, another the referrer).
 */
export function dealPayouts(deal: DealFacts, standing: PartnerStanding, rules: DealRuleSet, roles: readonly DealRole[] = DEAL_ROLES): PayoutLine[] {
  const lines: (IncentiveLine | PayoutLine | null)[] = [];
  for (const role of DEAL_ROLES) {
    if (role === 'DISCOUNT' || !roles.includes(role)) continue;
    if (role === 'REFERRER') {
      lines.push(...referrerPayouts(deal, rules));
      continue;
    }
    let applicable = hooks(rules, role);
    if (role === 'SELLER') {
      const replacing = applicable.filter(({ hook, rule }) => hook.replacesSellerPayouts?.(deal, standing, rule));
      if (replacing.length > 0) applicable = replacing;
    }
    for (const { hook, rule } of applicable) lines.push(hook.compute(deal, standing, rule));
  }
  return lines.filter((line): line is PayoutLine => line !== null && 'payee' in line).filter((line) => line.amountMinor !== 0n);
}
