import { auditEntities } from '@hub/db';
import { eventsEntities } from '@hub/events';
import { JobEntity, JobPageEntity } from '@hub/jobs';
import {
  CertificationFactEntity,
  DealFactEntity,
  PartnerFactEntity,
  ProgramFactEntity,
  RenewalFactEntity,
  SegmentFocusFactEntity,
  TierFactEntity,
  UsageFactEntity,
} from './ledger.entity';
import { MdfAllocationEntity, MdfClaimEntity, MdfRequestEntity } from './mdf.entity';
import { IncentiveRuleEntity } from './rule.entity';
import { PayoutLineEntity, StatementEntity } from './statement.entity';

export * from './ledger.entity';
export * from './mdf.entity';
export * from './rule.entity';
export * from './statement.entity';

export const incentivesEntities = [
  ProgramFactEntity,
  PartnerFactEntity,
  SegmentFocusFactEntity,
  TierFactEntity,
  CertificationFactEntity,
  DealFactEntity,
  RenewalFactEntity,
  UsageFactEntity,
  IncentiveRuleEntity,
  StatementEntity,
  PayoutLineEntity,
  MdfAllocationEntity,
  MdfRequestEntity,
  MdfClaimEntity,
  JobEntity,
  JobPageEntity,
  ...eventsEntities,
  ...auditEntities,
];
