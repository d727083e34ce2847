import { auditEntities } from '@hub/db';
import { eventsEntities } from '@hub/events';
import { JobEntity, JobPageEntity } from '@hub/jobs';
import { LicensePolicyEntity, SkuEntity, TermPriceEntity, UsagePriceEntity } from './catalog.entity';
import { CustomerLockEntity, EndCustomerEntity } from './end-customer.entity';
import { LicenseEntity, LicenseExpiringNoticeEntity, LicenseTermEntity } from './license.entity';
import { DistributorRefEntity, PartnerRefEntity } from './refs.entity';
import {
  MasterLicenseEntity,
  UsageDeploymentEntity,
  UsageReportEntity,
  UsageReportLineEntity,
  UsageStatementEntity,
  UsageStatementLineEntity,
} from './usage.entity';

export * from './catalog.entity';
export * from './end-customer.entity';
export * from './license.entity';
export * from './refs.entity';
export * from './usage.entity';

export const licensesEntities = [
  SkuEntity,
  TermPriceEntity,
  UsagePriceEntity,
  LicensePolicyEntity,
  PartnerRefEntity,
  DistributorRefEntity,
  EndCustomerEntity,
  CustomerLockEntity,
  LicenseEntity,
  LicenseTermEntity,
  LicenseExpiringNoticeEntity,
  MasterLicenseEntity,
  UsageDeploymentEntity,
  UsageReportEntity,
  UsageReportLineEntity,
  UsageStatementEntity,
  UsageStatementLineEntity,
  JobEntity,
  JobPageEntity,
  ...eventsEntities,
  ...auditEntities,
];
