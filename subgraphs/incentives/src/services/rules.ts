import type { EntityManager } from 'typeorm';
import type { Claims } from '@hub/auth';
import { requireClaims } from '@hub/auth';
import { parseIsoDate } from '@hub/domain';
import { ruleInEffect, ruleParameterIssues, type RuleVersion } from '../domain';
import { IncentiveRuleEntity } from '../entities';

/** Every rule version of every program: a few dozen rows, read once per computation. */
export async function loadRules(manager: EntityManager): Promise<RuleVersion[]> {
  const rows = await manager.find(IncentiveRuleEntity, { order: { programCode: 'ASC', kind: 'ASC', version: 'ASC' } });
  return rows.map(toRuleVersion);
}

/**
 * A stored row read through its kind's schema. Rows are written only through that schema
 * (publishIncentiveRule, seeds), so a row that fails it was edited by hand: computing with it
 * would pay on guessed parameters, so it stops the computation and names the row.
 */
export function toRuleVersion(row: IncentiveRuleEntity): RuleVersion {
  const issues = ruleParameterIssues(row.kind, row.parameters);
  if (issues.length > 0) {
    throw new Error(`incentive_rule ${row.programCode} ${row.kind} v${row.version} has invalid parameters: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`);
  }
  return { kind: row.kind, programCode: row.programCode, version: row.version, effectiveFrom: row.effectiveFrom, effectiveTo: row.effectiveTo, parameters: row.parameters } as RuleVersion;
}

/** `incentiveRules(programCode, asOf)`: every signed-in caller may read the rule book. */
export class RulesService {
  constructor(private readonly manager: () => EntityManager) {}

  async inEffect(claims: Claims | null, programCode: string, asOf: string | null | undefined): Promise<IncentiveRuleEntity[]> {
    requireClaims(claims ?? undefined);
    const rows = await this.manager().find(IncentiveRuleEntity, { where: { programCode }, order: { kind: 'ASC', version: 'ASC' } });
    if (!asOf) return rows;
    const date = parseIsoDate('asOf', asOf);
    const rules = await loadRules(this.manager());
    return rows.filter((row) => ruleInEffect(rules, programCode, row.kind, date)?.version === row.version);
  }
}
