import type { EntityManager } from 'typeorm';
import { recordEvent } from '@hub/events';
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

/** The full facts about a partner at one moment: other subgraphs keep their copy from these. */
export interface PartnerSnapshot {
  partnerId: string;
  name: string;
  country: string;
  programCode: string;
  currency: string;
  status: string;
  segmentFocus: string;
  businessModels: string[];
  distributorIds: string[];
}

export interface TierAssignedPayload {
  partnerId: string;
  programCode: string;
  tierCode: string;
  /** Effective-dated: consumers answer "which tier on date D" from these. */
  effectiveFrom: string;
  reason: string;
}

export interface CertificationAddedPayload {
  partnerId: string;
  personId: string;
  certificationId: string;
  specializationCode: string;
  kind: string;
  validFrom: string;
  validUntil: string;
}

export interface DistributorSnapshot {
  distributorId: string;
  name: string;
  countries: string[];
  handlesRenewals: boolean;
  usageBasedProgram: boolean;
}

/**
 * A program's rule book as incentives needs it to judge tier standing without calling back:
 * the ladder with thresholds and capacity, the grace date, and what earns each specialization.
 */
export interface ProgramSnapshot {
  code: string;
  name: string;
  currency: string;
  version: number;
  effectiveFrom: string;
  noDowngradeUntil: string | null;
  tiers: { code: string; name: string; rank: number; minCertifiedStaff: number; minRevenueMinor: string; capacity: number | null }[];
  specializations: { code: string; name: string; productLine: string | null; requiredSales: number; requiredTechnical: number }[];
}

/** Records partner-side events in the caller's transaction (the outbox). */
export class PartnerEvents {
  async partnerSaved(manager: EntityManager, type: 'partner.created' | 'partner.changed', partner: PartnerEntity, now: Date): Promise<void> {
    const [program, links] = await Promise.all([
      manager.findOneByOrFail(ProgramEntity, { code: partner.programCode }),
      manager.findBy(PartnerDistributorEntity, { partnerId: partner.id }),
    ]);
    const payload: PartnerSnapshot = {
      partnerId: partner.id,
      name: partner.name,
      country: partner.country,
      programCode: partner.programCode,
      currency: program.currency,
      status: partner.status,
      segmentFocus: partner.segmentFocus,
      businessModels: partner.businessModels,
      distributorIds: links.map((link) => link.distributorId).sort(),
    };
    await recordEvent(manager, { type, source: PARTNERS_SOURCE, aggregateId: partner.id, payload }, now);
  }

  async tierAssigned(manager: EntityManager, programCode: string, assignment: TierAssignmentEntity, now: Date): Promise<void> {
    const payload: TierAssignedPayload = {
      partnerId: assignment.partnerId,
      programCode,
      tierCode: assignment.tierCode,
      effectiveFrom: assignment.effectiveFrom,
      reason: assignment.reason,
    };
    await recordEvent(manager, { type: 'partner.tier_assigned', source: PARTNERS_SOURCE, aggregateId: assignment.partnerId, payload }, now);
  }

  async certificationAdded(manager: EntityManager, certification: CertificationEntity, now: Date): Promise<void> {
    const payload: CertificationAddedPayload = {
      partnerId: certification.partnerId,
      personId: certification.personId,
      certificationId: certification.id,
      specializationCode: certification.specializationCode,
      kind: certification.kind,
      validFrom: certification.validFrom,
      validUntil: certification.validUntil,
    };
    await recordEvent(manager, { type: 'partner.certification_added', source: PARTNERS_SOURCE, aggregateId: certification.partnerId, payload }, now);
  }

  async programSaved(manager: EntityManager, code: string, now: Date): Promise<void> {
    const program = await manager.findOneByOrFail(ProgramEntity, { code });
    const [tiers, specializations] = await Promise.all([
      manager.find(TierEntity, { where: { programCode: code }, order: { rank: 'ASC' } }),
      manager.find(SpecializationEntity, { where: { programCode: code }, order: { code: 'ASC' } }),
    ]);
    const payload: ProgramSnapshot = {
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
    await recordEvent(manager, { type: 'program.saved', source: PARTNERS_SOURCE, aggregateId: program.code, payload }, now);
  }

  async distributorSaved(manager: EntityManager, distributor: DistributorEntity, now: Date): Promise<void> {
    const payload: DistributorSnapshot = {
      distributorId: distributor.id,
      name: distributor.name,
      countries: distributor.countries,
      handlesRenewals: distributor.handlesRenewals,
      usageBasedProgram: distributor.usageBasedProgram,
    };
    await recordEvent(manager, { type: 'distributor.saved', source: PARTNERS_SOURCE, aggregateId: distributor.id, payload }, now);
  }
}

export const partnerEvents = new PartnerEvents();
