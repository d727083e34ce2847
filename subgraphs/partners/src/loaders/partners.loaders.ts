import type { DataSource, EntityTarget, ObjectLiteral } from 'typeorm';
import { rawRowsWhereIn } from '@hub/db';
import { manyLoader, oneLoader } from '@hub/graphql-kit';
import {
  CertificationEntity,
  type DistributorEntity,
  PartnerDistributorEntity,
  PartnerEntity,
  PersonEntity,
  type ProgramEntity,
  ReviewEntity,
  SpecializationEntity,
  TierAssignmentEntity,
  type TierEntity,
} from '../entities';
import type { ReferenceData, ReferenceSnapshot } from './reference-data';

/**
 * Per-request loaders: every relation the schema exposes loads through one of these, so a
 * list of N partners costs one query per relation, not one per partner. Rows are read raw
 * (`rawRows`), and programs, tiers and distributors come from the process's reference copy.
 */
export function createPartnersLoaders(dataSource: DataSource, reference: ReferenceData) {
  const manager = dataSource.manager;
  const rowsWhere = <T extends ObjectLiteral>(entity: EntityTarget<T>, column: string, keys: readonly string[], order: [string, 'ASC' | 'DESC'][] = []) =>
    rawRowsWhereIn(manager, entity, column, keys, { order });
  const pick = async <T>(table: (snapshot: ReferenceSnapshot) => ReadonlyMap<string, T>, keys: readonly string[]) => {
    const rows = table(await reference.get());
    return keys.flatMap((key) => rows.get(key) ?? []);
  };
  return {
    reference,
    /** What a partner list read at once for its page (`PartnersService.prefetchPage`), by partner id. */
    page: { tier: new Map<string, TierEntity | null>(), distributors: new Map<string, DistributorEntity[]>() },
    program: oneLoader((codes) => pick<ProgramEntity>((s) => s.programs, codes), (p) => p.code),
    tier: oneLoader((ids) => pick<TierEntity>((s) => s.tiers, ids), (t) => t.id),
    tiersByProgram: manyLoader(async (codes) => (await pick((s) => s.tiersByProgram, codes)).flat(), (t) => t.programCode),
    distributor: oneLoader((ids) => pick<DistributorEntity>((s) => s.distributors, ids), (d) => d.id),
    specializationsByProgram: manyLoader((codes) => rowsWhere(SpecializationEntity, 'programCode', codes, [['code', 'ASC']]), (s) => s.programCode),
    partner: oneLoader((ids) => rowsWhere(PartnerEntity, 'id', ids), (p) => p.id),
    tierAssignmentsByPartner: manyLoader(
      (ids) => rowsWhere(TierAssignmentEntity, 'partnerId', ids, [['effectiveFrom', 'ASC'], ['id', 'ASC']]),
      (a) => a.partnerId,
    ),
    distributorIdsByPartner: manyLoader((ids) => rowsWhere(PartnerDistributorEntity, 'partnerId', ids), (l) => l.partnerId),
    peopleByPartner: manyLoader((ids) => rowsWhere(PersonEntity, 'partnerId', ids, [['name', 'ASC'], ['id', 'ASC']]), (p) => p.partnerId),
    person: oneLoader((ids) => rowsWhere(PersonEntity, 'id', ids), (p) => p.id),
    certificationsByPerson: manyLoader(
      (ids) => rowsWhere(CertificationEntity, 'personId', ids, [['validUntil', 'ASC'], ['id', 'ASC']]),
      (c) => c.personId,
    ),
    certificationsByPartner: manyLoader((ids) => rowsWhere(CertificationEntity, 'partnerId', ids), (c) => c.partnerId),
    reviewsByPartner: manyLoader((ids) => rowsWhere(ReviewEntity, 'partnerId', ids, [['reviewedOn', 'DESC'], ['id', 'DESC']]), (r) => r.partnerId),
  };
}

export type PartnersLoaders = ReturnType<typeof createPartnersLoaders>;
