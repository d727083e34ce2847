import type { EntityManager } from 'typeorm';
import type { Database } from '@hub/db';
import { quarterBounds, type Quarter } from '../../domain';
import { StatementEntity, type PayeeKind } from '../../entities';
import type { PayoutSource } from './page-ledger';

/**
 * Everyone the quarter may owe — the payees each source names — and everyone with a statement
 * for it already (it may now be empty, and must be rewritten so).
 */
export async function payeesOf(sources: readonly PayoutSource[], manager: EntityManager, dialect: Database['dialect'], kind: PayeeKind, period: Quarter): Promise<string[]> {
  const scope = { manager, dialect, kind, period, ...quarterBounds(period) };
  const ids = new Set<string>();
  for (const source of sources) {
    if (!source.payees || !source.payeeKinds.includes(kind)) continue;
    for (const id of await source.payees(scope)) if (id) ids.add(id);
  }
  const existing = await manager
    .createQueryBuilder(StatementEntity, 'statement')
    .select('DISTINCT statement.payeeId', 'id')
    .where('statement.payeeKind = :kind AND statement.period = :period', { kind, period })
    .getRawMany<{ id: string }>();
  for (const { id } of existing) ids.add(id);
  return [...ids].sort();
}
