import type { EntityManager } from 'typeorm';
import type { RuleVersion } from '../domain';
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
