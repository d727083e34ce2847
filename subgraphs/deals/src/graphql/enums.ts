import { registerEnumType } from 'type-graphql';
import { CATALOG_PROBLEMS, DEAL_STATUSES } from '../domain';
import { WEBHOOK_EVENT_TYPES, type WebhookEventTypeName } from '../domain/webhooks';
import { DEAL_EVENT_KINDS } from '../services/deal-events';

const enumOf = <T extends string>(values: readonly T[]) => Object.fromEntries(values.map((v) => [v, v])) as { [K in T]: K };

export const DealStatusEnum = enumOf(DEAL_STATUSES);
export const DealTypeEnum = enumOf(['NEW_CUSTOMER', 'NEW_SOLUTION', 'RENEWAL'] as const);
export const DealSegmentEnum = enumOf(['SMB', 'ENTERPRISE'] as const);
export const DealEventKindEnum = enumOf(DEAL_EVENT_KINDS);
export const CatalogProblemEnum = enumOf(CATALOG_PROBLEMS);
export const WebhookEventTypeEnum = enumOf(Object.keys(WEBHOOK_EVENT_TYPES) as WebhookEventTypeName[]);

registerEnumType(DealStatusEnum, { name: 'DealStatus' });
registerEnumType(DealTypeEnum, { name: 'DealType', description: 'NEW_CUSTOMER and NEW_SOLUTION are new business; RENEWAL is not.' });
// The same enum as the partners subgraph's Segment: composition merges identical enums.
registerEnumType(DealSegmentEnum, { name: 'Segment', description: 'SMB: 2–500 seats; ENTERPRISE: over 500.' });
registerEnumType(DealEventKindEnum, { name: 'DealEventKind' });
registerEnumType(WebhookEventTypeEnum, {
  name: 'WebhookEventType',
  description:
    'An event a webhook endpoint can receive; deliveries carry it as `x-hub-event-type` in dotted lower case (DEAL_WON: `deal.won`) and its payload in `data` (docs/webhooks.schema.json).',
  valuesConfig: {
    LICENSE_ISSUED: { description: 'A licence the distributor fulfils was issued: the whole licence and its first term.' },
    LICENSE_RENEWED: { description: 'A licence was renewed (by or for the distributor): the whole licence and the new term with its amount.' },
    LICENSE_EXPIRING: { description: 'A licence the distributor fulfils ends within LICENSE_EXPIRING_DAYS: the whole licence, its current term and the days left; once per term.' },
    USAGE_STATEMENT_ISSUED: { description: 'A reseller\'s monthly usage statement the distributor invoices from was issued: every line, amounts in minor units.' },
    STATEMENT_APPROVED: { description: 'The distributor\'s own incentive statement was approved: period, currency and total.' },
    STATEMENT_PAID: { description: 'The distributor\'s own incentive statement was paid.' },
  },
});
registerEnumType(CatalogProblemEnum, {
  name: 'CatalogProblem',
  description: 'Why a deal line is outside the catalog: its SKU is not in it, is billed from usage, or belongs to another product line than the deal.',
});
