import type { IsoDate } from '@hub/domain';
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
