import type { EntityManager } from 'typeorm';
import { AuditEventEntity, runInAuditScope, type AuditScope } from '@hub/db';
import { defineConsumer } from './consumer';
import { recordContractEvent } from './publish';

export { currentAuditScope, type AuditScope } from '@hub/db';

/**
 * The subgraph that keeps every subgraph's audit rows and serves them: each database holds its
 * own, and the others' reach this one as `audit.recorded` events.
 */
export const AUDIT_HOME = 'partners';
export const AUDIT_RECORDED = 'audit.recorded';

/** The audit row also enters the outbox, in its transaction, as the event that carries it home. */
async function forwardHome(manager: EntityManager, row: AuditEventEntity): Promise<void> {
  const payload = {
    subgraph: row.subgraph,
    actor: row.actor,
    role: row.role,
    operation: row.operation,
    rootField: row.rootField,
    targetIds: row.targetIds,
    requestId: row.requestId,
    at: row.at.toISOString(),
  };
  await recordContractEvent(manager, { type: AUDIT_RECORDED, version: 1, source: row.subgraph, aggregateId: row.id, payload }, row.at);
}

/** Serves one request inside an audit scope; outside the audit home its rows are forwarded there. */
export function runAudited<T>(scope: AuditScope, work: () => T): T {
  return runInAuditScope(scope.subgraph === AUDIT_HOME ? scope : { ...scope, forward: forwardHome }, work);
}

/**
 * The audit home's consumer of `audit.recorded`: keeps the row under its original id. Runs in
 * the consumer's exactly-once transaction, so a redelivered event is never copied twice.
 */
export const auditCopies = defineConsumer('partners.audit-trail', {
  [AUDIT_RECORDED]: {
    1: async (row, event, manager) => {
      await manager.insert(AuditEventEntity, { ...row, id: event.aggregateId, at: new Date(row.at) });
    },
  },
});
