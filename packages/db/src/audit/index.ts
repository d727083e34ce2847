import { AuditEventEntity } from './audit-event.entity';

export { AuditEventEntity } from './audit-event.entity';
export { runInAuditScope, currentAuditScope, type AuditScope } from './audit-scope';
export { audited, auditRow, AuditTrailSubscriber, MAX_TARGET_IDS } from './audit-trail';

/** Add to a subgraph's entity list, so its migrations create `audit_event`. */
export const auditEntities = [AuditEventEntity];
