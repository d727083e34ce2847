import { AddCustomerLocks1795305903100 } from './AddCustomerLocks1795305903100';
import { AddWebhooks1795305180519 } from './AddWebhooks1795305180519';
import { Initial1795304594223 } from './Initial1795304594223';
import { WebhookSecretRotation1796148631079 } from './WebhookSecretRotation1796148631079';
import { AddAuditTrail1796148679722 } from './AddAuditTrail1796148679722';
import { AddCatalogSkuRefs1796156428311 } from './AddCatalogSkuRefs1796156428311';
import { AddCatalogSync1796157713133 } from './AddCatalogSync1796157713133';
import { AddParkedEvents1796156279405, ProcessedEventAgeIndex1796161448362 } from '@hub/events';

import { AddWebhookEventTypes1796161888262 } from './AddWebhookEventTypes1796161888262';
import { AddDealFeed1796164900811 } from './AddDealFeed1796164900811';
import { AddWebhookEventVersion1796164977134 } from './AddWebhookEventVersion1796164977134';
/** In order; each runs once per database, in its own transaction. */
export const dealsMigrations = [Initial1795304594223, AddWebhooks1795305180519, AddCustomerLocks1795305903100, WebhookSecretRotation1796148631079, AddAuditTrail1796148679722, AddCatalogSkuRefs1796156428311, AddParkedEvents1796156279405, AddCatalogSync1796157713133, ProcessedEventAgeIndex1796161448362, AddWebhookEventTypes1796161888262, AddDealFeed1796164900811, AddWebhookEventVersion1796164977134];
