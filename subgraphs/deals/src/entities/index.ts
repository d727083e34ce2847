import { eventsEntities } from '@hub/events';
import { DealLineEntity } from './deal-line.entity';
import { DealEntity } from './deal.entity';
import { DistributorRefEntity, PartnerRefEntity } from './partner-ref.entity';
import { RegistrationPolicyEntity } from './registration-policy.entity';

export { DealEntity, DealLineEntity, DistributorRefEntity, PartnerRefEntity, RegistrationPolicyEntity };

export const dealsEntities = [DealEntity, DealLineEntity, PartnerRefEntity, DistributorRefEntity, RegistrationPolicyEntity, ...eventsEntities];
