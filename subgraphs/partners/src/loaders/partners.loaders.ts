import { In, type DataSource } from 'typeorm';
import { manyLoader, oneLoader } from '@hub/graphql-kit';
import {
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
} from '../entities';

/**
 * Per-request loaders: every relation the schema exposes loads through one of these, so a
 * list of N partners costs one query per relation, not one per partner.
 */
export function createPartnersLoaders(dataSource: DataSource) {
  const repo = dataSource.manager;
  return {
    program: oneLoader((codes) => repo.findBy(ProgramEntity, { code: In([...codes]) }), (p) => p.code),
    tier: oneLoader((ids) => repo.findBy(TierEntity, { id: In([...ids]) }), (t) => t.id),
    tiersByProgram: manyLoader(
      (codes) => repo.find(TierEntity, { where: { programCode: In([...codes]) }, order: { rank: 'ASC' } }),
      (t) => t.programCode,
    ),
    specializationsByProgram: manyLoader(
      (codes) => repo.find(SpecializationEntity, { where: { programCode: In([...codes]) }, order: { code: 'ASC' } }),
      (s) => s.programCode,
    ),
    partner: oneLoader((ids) => repo.findBy(PartnerEntity, { id: In([...ids]) }), (p) => p.id),
    distributor: oneLoader((ids) => repo.findBy(DistributorEntity, { id: In([...ids]) }), (d) => d.id),
    tierAssignmentsByPartner: manyLoader(
      (ids) => repo.find(TierAssignmentEntity, { where: { partnerId: In([...ids]) }, order: { effectiveFrom: 'ASC', id: 'ASC' } }),
      (a) => a.partnerId,
    ),
    distributorIdsByPartner: manyLoader((ids) => repo.findBy(PartnerDistributorEntity, { partnerId: In([...ids]) }), (l) => l.partnerId),
    peopleByPartner: manyLoader(
      (ids) => repo.find(PersonEntity, { where: { partnerId: In([...ids]) }, order: { name: 'ASC', id: 'ASC' } }),
      (p) => p.partnerId,
    ),
    person: oneLoader((ids) => repo.findBy(PersonEntity, { id: In([...ids]) }), (p) => p.id),
    certificationsByPerson: manyLoader(
      (ids) => repo.find(CertificationEntity, { where: { personId: In([...ids]) }, order: { validUntil: 'ASC', id: 'ASC' } }),
      (c) => c.personId,
    ),
    certificationsByPartner: manyLoader((ids) => repo.findBy(CertificationEntity, { partnerId: In([...ids]) }), (c) => c.partnerId),
    reviewsByPartner: manyLoader(
      (ids) => repo.find(ReviewEntity, { where: { partnerId: In([...ids]) }, order: { reviewedOn: 'DESC', id: 'DESC' } }),
      (r) => r.partnerId,
    ),
  };
}

export type PartnersLoaders = ReturnType<typeof createPartnersLoaders>;
