import { EventSubscriber, type EntityManager, type EntityMetadata, type EntitySubscriberInterface, type InsertEvent, type QueryRunner, type RemoveEvent, type UpdateEvent } from 'typeorm';
import { newId } from '../ids';
import { AuditEventEntity } from './audit-event.entity';
import { currentAuditScope, type AuditScope } from './audit-scope';

/** A batch job can touch thousands of rows; the row keeps the first ones, enough to find the rest. */
export const MAX_TARGET_IDS = 100;

/** Bookkeeping rows are not what a change targets: the outbox names its aggregate instead. */
const BOOKKEEPING_TABLES = new Set(['audit_event', 'processed_event', 'outbox']);

const WRITES = 'auditWrites';

/** What one transaction wrote: whether anything, and the ids of the rows it could name. */
class Writes {
  any = false;
  readonly ids = new Set<string>();

  add(metadata: EntityMetadata, row: unknown): void {
    this.any = true;
    if (!row || typeof row !== 'object') return;
    const values = row as Record<string, unknown>;
    if (metadata.tableName === 'outbox') return this.addId(values.aggregateId);
    if (BOOKKEEPING_TABLES.has(metadata.tableName)) return;
    // Rows keyed by a pair (link tables) are named by the rows they link, which are written too.
    const [primary, ...more] = metadata.primaryColumns;
    if (primary && more.length === 0) this.addId(primary.getEntityValue(values));
  }

  private addId(id: unknown): void {
    if ((typeof id === 'string' || typeof id === 'number') && this.ids.size < MAX_TARGET_IDS) this.ids.add(String(id));
  }
}

const writesOf = (queryRunner: QueryRunner | undefined): Writes | undefined => queryRunner?.data[WRITES] as Writes | undefined;

/**
 * Notes every row written in an audited transaction. TypeORM reports inserts and saves with
 * the row; an UPDATE or DELETE by criteria comes without it, so such a write counts but names
 * no id (the event recorded with it usually names the aggregate).
 */
@EventSubscriber()
export class AuditTrailSubscriber implements EntitySubscriberInterface {
  afterInsert(event: InsertEvent<unknown>): void {
    writesOf(event.queryRunner)?.add(event.metadata, event.entity);
  }

  afterUpdate(event: UpdateEvent<unknown>): void {
    writesOf(event.queryRunner)?.add(event.metadata, event.entity ?? event.databaseEntity);
  }

  afterRemove(event: RemoveEvent<unknown>): void {
    writesOf(event.queryRunner)?.add(event.metadata, event.entity ?? event.databaseEntity);
  }
}

export function auditRow(scope: AuditScope, targetIds: string[], at: Date): AuditEventEntity {
  return Object.assign(new AuditEventEntity(), {
    id: newId(at.getTime()),
    subgraph: scope.subgraph,
    actor: scope.actor,
    role: scope.role,
    operation: scope.operation ?? '(anonymous)',
    rootField: scope.rootField ?? '(unknown)',
    targetIds,
    requestId: scope.requestId,
    at,
  });
}

/**
 * Wraps a transaction's work so that, inside a mutation's audit scope, the transaction also
 * writes its audit row just before it commits: the row and the change commit or roll back
 * together. Outside a mutation (relays, consumers, sweeps, seeding) the work runs as it is.
 */
export function audited<T>(work: (manager: EntityManager) => Promise<T>): (manager: EntityManager) => Promise<T> {
  const scope = currentAuditScope();
  if (!scope?.mutation) return work;
  return async (manager) => {
    const queryRunner = manager.queryRunner!;
    const writes = new Writes();
    queryRunner.data[WRITES] = writes;
    try {
      const result = await work(manager);
      if (writes.any) {
        const row = auditRow(scope, [...writes.ids], new Date());
        await manager.insert(AuditEventEntity, row);
        await scope.forward?.(manager, row);
      }
      return result;
    } finally {
      // The embedded SQLite database reuses one query runner for every transaction.
      delete queryRunner.data[WRITES];
    }
  };
}
