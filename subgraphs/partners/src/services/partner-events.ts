import type { EntityManager } from 'typeorm';
import { recordEvent } from '@hub/events';
import { type CertificationEntity, type DistributorEntity, PartnerDistributorEntity, type PartnerEntity, ProgramEntity, type TierAssignmentEntity } from '../entities';

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
