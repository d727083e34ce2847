import type { EntityManager } from 'typeorm';
import type { Claims } from '@hub/auth';
import { requireClaims } from '@hub/auth';
import { parseIsoDate } from '@hub/domain';
import { ruleInEffect, type RuleVersion } from '../domain';
import { IncentiveRuleEntity } from '../entities';

/** Every rule version of every program: a few dozen rows, read once per computation. */
export async function loadRules(manager: EntityManager): Promise<RuleVersion[]> {
  const rows = await manager.find(IncentiveRuleEntity, { order: { programCode: 'ASC', kind: 'ASC', version: 'ASC' } });
  return rows.map((row) => ({
    kind: row.kind,
    programCode: row.programCode,
    version: row.version,
    effectiveFrom: row.effectiveFrom,
    effectiveTo: row.effectiveTo,
    parameters: row.parameters as never,
  }));
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
