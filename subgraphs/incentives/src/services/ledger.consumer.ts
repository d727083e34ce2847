import type { EntityManager } from 'typeorm';
import type { DomainEvent } from '@hub/events';
import type { DealType, Segment } from '../domain';
import {
  CertificationFactEntity,
  DealFactEntity,
  PartnerFactEntity,
  ProgramFactEntity,
  RenewalFactEntity,
  SegmentFocusFactEntity,
  TierFactEntity,
  UsageFactEntity,
  type DealFactStatus,
  type SpecializationFact,
  type TierDefinitionFact,
} from '../entities';

export const LEDGER_CONSUMER = 'incentives.ledger';

export const LEDGER_EVENT_TYPES = [
  'program.saved',
  'partner.created',
  'partner.changed',
  'partner.tier_assigned',
  'partner.certification_added',
  'deal.submitted',
  'deal.approved',
  'deal.rejected',
  'deal.withdrawn',
  'deal.extended',
  'deal.won',
  'deal.lost',
  'deal.expired',
  'deal.reversed',
  'deal.conflict_resolved',
  'license.renewed',
  'usage.statement_issued',
];

interface ProgramPayload {
  code: string;
  currency: string;
  noDowngradeUntil: string | null;
  tiers: TierDefinitionFact[];
  specializations: SpecializationFact[];
}

interface PartnerPayload {
  partnerId: string;
  name: string;
  country: string;
  programCode: string;
  currency: string;
  status: string;
  segmentFocus: Segment;
  distributorIds: string[];
}

interface DealPayload {
  dealId: string;
  partnerId: string;
  distributorId: string | null;
  referringPartnerId: string | null;
  programCode: string;
  type: DealType;
  productLine: string;
  segment: Segment;
  seats: number;
  amountMinor: string;
  currency: string;
  status: string;
  approvedAt: string | null;
  closedAt: string | null;
}

/** Deal statuses as payouts see them: only WON pays, REVERSED claws back. */
function dealFactStatus(status: string): DealFactStatus {
  if (status === 'WON') return 'WON';
  if (status === 'REVERSED') return 'REVERSED';
  if (status === 'SUBMITTED' || status === 'APPROVED') return 'OPEN';
  return 'CLOSED';
}

/**
 * Applies one event to the ledger, in the consumer's transaction. Snapshots (programs,
 * partners, deals) keep the newest by event time, so late or repeated events change nothing;
 * effective-dated facts (tiers, certifications, renewals, usage) are keyed by what they record.
 */
export async function applyLedgerEvent(event: DomainEvent, manager: EntityManager): Promise<void> {
  const at = new Date(event.occurredAt);
  switch (event.type) {
    case 'program.saved': {
      const program = event.payload as ProgramPayload;
      const current = await manager.findOneBy(ProgramFactEntity, { code: program.code });
      if (current && current.updatedAt > at) return;
      await manager.save(ProgramFactEntity, {
        code: program.code,
        currency: program.currency,
        noDowngradeUntil: program.noDowngradeUntil,
        tiers: program.tiers,
        specializations: program.specializations,
        updatedAt: at,
      });
      return;
    }
    case 'partner.created':
    case 'partner.changed': {
      const partner = event.payload as PartnerPayload;
      const current = await manager.findOneBy(PartnerFactEntity, { id: partner.partnerId });
      if (current && current.updatedAt > at) {
        await manager.save(SegmentFocusFactEntity, { id: event.id, partnerId: partner.partnerId, segmentFocus: partner.segmentFocus, effectiveFrom: event.occurredAt.slice(0, 10), recordedAt: at });
        return;
      }
      await manager.save(PartnerFactEntity, {
        id: partner.partnerId,
        name: partner.name,
        country: partner.country,
        programCode: partner.programCode,
        currency: partner.currency,
        status: partner.status,
        segmentFocus: partner.segmentFocus,
        distributorIds: partner.distributorIds,
        updatedAt: at,
      });
      // Kept per snapshot, effective from its day, so a past deal sees the focus of its close date.
      await manager.save(SegmentFocusFactEntity, { id: event.id, partnerId: partner.partnerId, segmentFocus: partner.segmentFocus, effectiveFrom: event.occurredAt.slice(0, 10), recordedAt: at });
      return;
    }
    case 'partner.tier_assigned': {
      const tier = event.payload as { partnerId: string; tierCode: string; effectiveFrom: string };
      await manager.save(TierFactEntity, { id: event.id, partnerId: tier.partnerId, tierCode: tier.tierCode, effectiveFrom: tier.effectiveFrom, recordedAt: at });
      return;
    }
    case 'partner.certification_added': {
      const c = event.payload as { certificationId: string; partnerId: string; personId: string; specializationCode: string; kind: 'SALES' | 'TECHNICAL'; validFrom: string; validUntil: string };
      await manager.save(CertificationFactEntity, {
        id: c.certificationId,
        partnerId: c.partnerId,
        personId: c.personId,
        specializationCode: c.specializationCode,
        kind: c.kind,
        validFrom: c.validFrom,
        validUntil: c.validUntil,
      });
      return;
    }
    case 'license.renewed': {
      const renewal = event.payload as { licenseId: string; partnerId: string; distributorId: string | null; currency: string; term: { sequence: number; startsOn: string; amountMinor: string } | null };
      if (!renewal.term) return;
      await manager.save(RenewalFactEntity, {
        id: `${renewal.licenseId}:${renewal.term.sequence}`,
        partnerId: renewal.partnerId,
        distributorId: renewal.distributorId,
        amount: BigInt(renewal.term.amountMinor),
        currency: renewal.currency,
        startsOn: renewal.term.startsOn,
        renewedOn: event.occurredAt.slice(0, 10),
      });
      return;
    }
    case 'usage.statement_issued': {
      const statement = event.payload as { statementId: string; partnerId: string; distributorId: string; month: string; totalMinor: string; currency: string };
      await manager.save(UsageFactEntity, {
        statementId: statement.statementId,
        partnerId: statement.partnerId,
        distributorId: statement.distributorId,
        month: statement.month,
        total: BigInt(statement.totalMinor),
        currency: statement.currency,
      });
      return;
    }
    default:
      if (event.type.startsWith('deal.')) await applyDealEvent(event, at, manager);
  }
}

async function applyDealEvent(event: DomainEvent, at: Date, manager: EntityManager): Promise<void> {
  const deal = event.payload as DealPayload;
  const current = await manager.findOneBy(DealFactEntity, { dealId: deal.dealId });
  if (current && current.lastEventAt > at) return;
  const status = dealFactStatus(deal.status);
  await manager.save(DealFactEntity, {
    dealId: deal.dealId,
    partnerId: deal.partnerId,
    distributorId: deal.distributorId,
    referringPartnerId: deal.referringPartnerId,
    programCode: deal.programCode,
    type: deal.type,
    productLine: deal.productLine,
    segment: deal.segment,
    seats: deal.seats,
    amount: BigInt(deal.amountMinor),
    currency: deal.currency,
    registered: deal.approvedAt !== null,
    status,
    closedOn: status === 'WON' || status === 'REVERSED' ? deal.closedAt : null,
    // The reversal's own date decides where its clawback lands; the close date stays the deal's.
    reversedOn: status === 'REVERSED' ? (current?.reversedOn ?? event.occurredAt.slice(0, 10)) : null,
    lastEventAt: at,
  });
}
