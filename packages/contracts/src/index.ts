export * from './catalogue';
export { DEAL_EVENT_KINDS, type DealEventKind } from './schemas/deals';
export * from './publish';
export * from './validate';
export * from './consumer';
export { AUDIT_HOME, AUDIT_RECORDED, auditCopies, currentAuditScope, runAudited, type AuditScope } from './audit-trail';
export { eventsJsonSchema, renderEventsJsonSchema, renderWebhooksJsonSchema, webhooksJsonSchema } from './json-schema';
export { webhookPingV1 } from './schemas/webhooks';
export { DistributorRefColumns, PartnerRefColumns, definePartnerFactsConsumer, type PartnerProjection, type RefTable } from './partner-projection';
