import type { EntityManager } from 'typeorm';
import { recordContractEvent, type EventPayload } from '@hub/contracts';
import {
  type CertificationEntity,
  type DistributorEntity,
  PartnerDistributorEntity,
  type PartnerEntity,
  ProgramEntity,
  SpecializationEntity,
  type TierAssignmentEntity,
  TierEntity,
} from '../entities';

export const PARTNERS_SOURCE = 'partners';

/** The payloads partners publishes, as the event catalogue declares them (version 1). */
export type PartnerSnapshot = EventPayload<'partner.created', 1>;
export type TierAssignedPayload = EventPayload<'partner.tier_assigned', 1>;
export type CertificationAddedPayload = EventPayload<'partner.certification_added', 1>;
export type DistributorSnapshot = EventPayload<'distributor.saved', 1>;
export type ProgramSnapshot = EventPayload<'program.saved', 1>;

/*
 * The payload builders are pure, so the contract tests check what they build against the
 * catalogue without a database; the recorder below reads what they need and records them.
 */

export function partnerSnapshot(partner: PartnerEntity, currency: string, distributorIds: readonly string[]): PartnerSnapshot {
  return {
    partnerId: partner.id,
    name: partner.name,
    country: partner.country,
    programCode: partner.programCode,
    currency,
    status: partner.status,
    segmentFocus: partner.segmentFocus,
    businessModels: partner.businessModels,
    distributorIds: [...distributorIds].sort(),
  };
}

export function tierAssignedPayload(programCode: string, assignment: TierAssignmentEntity): TierAssignedPayload {
  return { partnerId: assignment.partnerId, programCode, tierCode: assignment.tierCode, effectiveFrom: assignment.effectiveFrom, reason: assignment.reason };
}

export function certificationAddedPayload(certification: CertificationEntity): CertificationAddedPayload {
  return {
    partnerId: certification.partnerId,
    personId: certification.personId,
    certificationId: certification.id,
    specializationCode: certification.specializationCode,
    kind: certification.kind,
    validFrom: certification.validFrom,
    validUntil: certification.validUntil,
  };
}

export function programSnapshot(program: ProgramEntity, tiers: readonly TierEntity[], specializations: readonly SpecializationEntity[]): ProgramSnapshot {
  return {
    code: program.code,
    name: program.name,
    currency: program.currency,
    version: program.version,
    effectiveFrom: program.effectiveFrom,
    noDowngradeUntil: program.noDowngradeUntil,
    tiers: tiers.map((tier) => ({
      code: tier.code,
      name: tier.name,
      rank: tier.rank,
      minCertifiedStaff: tier.minCertifiedStaff,
      minRevenueMinor: tier.minRevenue.toString(),
      capacity: tier.capacity,
    })),
    specializations: specializations.map((s) => ({ code: s.code, name: s.name, productLine: s.productLine, requiredSales: s.requiredSales, requiredTechnical: s.requiredTechnical })),
  };
}

export function distributorSnapshot(distributor: DistributorEntity): DistributorSnapshot {
  return {
    distributorId: distributor.id,
    name: distributor.name,
    countries: distributor.countries,
    handlesRenewals: distributor.handlesRenewals,
    usageBasedProgram: distributor.usageBasedProgram,
  };
}

/** Records partner-side events in the caller's transaction (the outbox). */
export class PartnerEvents {
  async partnerSaved(manager: EntityManager, type: 'partner.created' | 'partner.changed', partner: PartnerEntity, now: Date): Promise<void> {
    const [program, links] = await Promise.all([
      manager.findOneByOrFail(ProgramEntity, { code: partner.programCode }),
      manager.findBy(PartnerDistributorEntity, { partnerId: partner.id }),
    ]);
    const payload = partnerSnapshot(partner, program.currency, links.map((link) => link.distributorId));
    await recordContractEvent(manager, { type, version: 1, source: PARTNERS_SOURCE, aggregateId: partner.id, payload }, now);
  }

  async tierAssigned(manager: EntityManager, programCode: string, assignment: TierAssignmentEntity, now: Date): Promise<void> {
    const payload = tierAssignedPayload(programCode, assignment);
    await recordContractEvent(manager, { type: 'partner.tier_assigned', version: 1, source: PARTNERS_SOURCE, aggregateId: assignment.partnerId, payload }, now);
  }

  async certificationAdded(manager: EntityManager, certification: CertificationEntity, now: Date): Promise<void> {
    const payload = certificationAddedPayload(certification);
    await recordContractEvent(manager, { type: 'partner.certification_added', version: 1, source: PARTNERS_SOURCE, aggregateId: certification.partnerId, payload }, now);
  }

  async programSaved(manager: EntityManager, code: string, now: Date): Promise<void> {
    const program = await manager.findOneByOrFail(ProgramEntity, { code });
    const [tiers, specializations] = await Promise.all([
      manager.find(TierEntity, { where: { programCode: code }, order: { rank: 'ASC' } }),
      manager.find(SpecializationEntity, { where: { programCode: code }, order: { code: 'ASC' } }),
    ]);
    const payload = programSnapshot(program, tiers, specializations);
    await recordContractEvent(manager, { type: 'program.saved', version: 1, source: PARTNERS_SOURCE, aggregateId: program.code, payload }, now);
  }

  async distributorSaved(manager: EntityManager, distributor: DistributorEntity, now: Date): Promise<void> {
    await recordContractEvent(manager, { type: 'distributor.saved', version: 1, source: PARTNERS_SOURCE, aggregateId: distributor.id, payload: distributorSnapshot(distributor) }, now);
  }
}

export const partnerEvents = new PartnerEvents();
