import { auditEntities } from '@hub/db';
import { eventsEntities } from '@hub/events';
import { CatalogSkuRefEntity } from './catalog-sku-ref.entity';
import { CatalogSyncEntity } from './catalog-sync.entity';
import { CustomerLockEntity } from './customer-lock.entity';
import { DealFeedEntryEntity, DealFeedHeadEntity } from './deal-feed.entity';
import { DealLineEntity } from './deal-line.entity';
import { DealEntity } from './deal.entity';
import { DistributorRefEntity, PartnerRefEntity } from './partner-ref.entity';
import { RegistrationPolicyEntity } from './registration-policy.entity';
import { WebhookAttemptEntity } from './webhook-attempt.entity';
import { WebhookDeliveryEntity } from './webhook-delivery.entity';
import { WebhookEndpointEntity } from './webhook-endpoint.entity';

export {
  CatalogSkuRefEntity,
  CatalogSyncEntity,
  CustomerLockEntity,
  DealEntity,
  DealFeedEntryEntity,
  DealFeedHeadEntity,
  DealLineEntity,
  DistributorRefEntity,
  PartnerRefEntity,
  RegistrationPolicyEntity,
  WebhookAttemptEntity,
  WebhookDeliveryEntity,
  WebhookEndpointEntity,
};

export const dealsEntities = [
  CustomerLockEntity,
  DealEntity,
  DealLineEntity,
  PartnerRefEntity,
  DistributorRefEntity,
  CatalogSkuRefEntity,
  CatalogSyncEntity,
  RegistrationPolicyEntity,
  WebhookEndpointEntity,
  WebhookDeliveryEntity,
  WebhookAttemptEntity,
  DealFeedEntryEntity,
  DealFeedHeadEntity,
  ...eventsEntities,
  ...auditEntities,
];
