import { addDays, InvalidInputError, type IsoDate } from '@hub/domain';
import type { RuleKind, RuleParametersByKind } from './rule-kinds';

/*
 * A rule is data — a program, a version, effective dates and parameters — interpreted by its
 * kind's module in ./rule-kinds (the registry). Rates are exact decimal strings ("17.5%");
 * money thresholds are minor units as decimal strings.
 */
export { RULE_KINDS, type RuleKind, type RuleParametersByKind } from './rule-kinds';

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

/** The version of each kind in effect for one program on one date; absent kinds do not apply. */
export type RuleSet = { [K in RuleKind]?: RuleVersion<K> };

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

/** Every kind's version in effect for a program on a date. */
export function rulesInEffect(rules: readonly RuleVersion[], programCode: string, asOf: IsoDate): RuleSet {
  const set: Partial<Record<RuleKind, RuleVersion>> = {};
  for (const rule of rules) {
    if (rule.programCode !== programCode || rule.effectiveFrom > asOf || (rule.effectiveTo !== null && rule.effectiveTo < asOf)) continue;
    const found = set[rule.kind];
    if (!found || rule.version > found.version) set[rule.kind] = rule;
  }
  return set as RuleSet;
}

/** A rule version to add: publishIncentiveRule's input, or a simulation's draft. */
export interface DraftRule<K extends RuleKind = RuleKind> {
  programCode: string;
  kind: K;
  effectiveFrom: IsoDate;
  parameters: RuleParametersByKind[K];
}

export interface RuleBookChange {
  /** The rule book with the change made. */
  rules: RuleVersion[];
  added: RuleVersion;
  /** The version that was in effect and now ends the day before the new one starts. */
  ended: RuleVersion | undefined;
}

/**
 * Adds a draft as the next version of its program's kind; the latest version, if it would
 * still be in effect on the draft's first day, ends the day before. A version starts after the
 * one it follows, or the older one would never apply again and closed periods could not tell
 * which one paid them: BAD_USER_INPUT on `field`.
 */
export function withDraft(rules: readonly RuleVersion[], draft: DraftRule, field = 'effectiveFrom'): RuleBookChange {
  const versions = rules.filter((rule) => rule.programCode === draft.programCode && rule.kind === draft.kind);
  const latest = versions.reduce<RuleVersion | undefined>((found, rule) => (!found || rule.version > found.version ? rule : found), undefined);
  if (latest && draft.effectiveFrom <= latest.effectiveFrom) {
    throw new InvalidInputError(field, `${draft.effectiveFrom} is not after ${latest.effectiveFrom}, the first day of ${draft.programCode} ${draft.kind} v${latest.version}`);
  }
  const added = { ...draft, version: (latest?.version ?? 0) + 1, effectiveTo: null } as RuleVersion;
  const ends = latest && (latest.effectiveTo === null || latest.effectiveTo >= draft.effectiveFrom);
  const ended = ends ? { ...latest, effectiveTo: addDays(draft.effectiveFrom, -1) } : undefined;
  return { rules: [...rules.map((rule) => (rule === latest && ended ? ended : rule)), added], added, ended };
}
