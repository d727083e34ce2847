import { auditEntities } from '@hub/db';
import { eventsEntities } from '@hub/events';
import { CertificationEntity } from './certification.entity';
import { DistributorEntity } from './distributor.entity';
import { PartnerDistributorEntity } from './partner-distributor.entity';
import { PartnerEntity } from './partner.entity';
import { PersonEntity } from './person.entity';
import { ProgramEntity } from './program.entity';
import { ReviewEntity } from './review.entity';
import { SpecializationEntity } from './specialization.entity';
import { TierAssignmentEntity } from './tier-assignment.entity';
import { TierEntity } from './tier.entity';

export {
  CertificationEntity,
  DistributorEntity,
  PartnerDistributorEntity,
  PartnerEntity,
  PersonEntity,
  ProgramEntity,
  ReviewEntity,
  SpecializationEntity,
  TierAssignmentEntity,
  TierEntity,
};

export const partnersEntities = [
  ProgramEntity,
  TierEntity,
  SpecializationEntity,
  DistributorEntity,
  PartnerEntity,
  PartnerDistributorEntity,
  TierAssignmentEntity,
  PersonEntity,
  CertificationEntity,
  ReviewEntity,
  ...eventsEntities,
  ...auditEntities,
];
