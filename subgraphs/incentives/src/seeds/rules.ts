import type { EntityManager } from 'typeorm';
import { newId } from '@hub/db';
import { IncentiveRuleEntity } from '../entities';
import { DEMO_RULES } from './rules.data';

/** Loads the demo rule versions that are missing; versions already present (or edited) stay as they are. */
export async function seedRules(manager: EntityManager): Promise<number> {
  const existing = await manager.find(IncentiveRuleEntity, { select: { programCode: true, kind: true, version: true } });
  const have = new Set(existing.map((rule) => `${rule.programCode}:${rule.kind}:${rule.version}`));
  const missing = DEMO_RULES.filter((rule) => !have.has(`${rule.programCode}:${rule.kind}:${rule.version}`));
  if (missing.length > 0) {
    const rows = missing.map((rule) => manager.create(IncentiveRuleEntity, { id: newId(), ...rule, parameters: rule.parameters as unknown as Record<string, unknown> }));
    await manager.save(IncentiveRuleEntity, rows);
  }
  return missing.length;
}
