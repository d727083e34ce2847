import type { EntityManager } from 'typeorm';
import { defineConsumer, type EventPayload } from '@hub/contracts';
import type { DomainEvent } from '@hub/events';
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
  type ProgramVersionFact,
} from '../entities';
import { withVersion } from '../domain';

export const LEDGER_CONSUMER = 'incentives.ledger';

type DealPayload = EventPayload<'deal.won', 1>;

/** Deal statuses as payouts see them: only WON pays, REVERSED claws back. */
function dealFactStatus(status: DealPayload['status']): DealFactStatus {
  if (status === 'WON') return 'WON';
  if (status === 'REVERSED') return 'REVERSED';
  if (status === 'SUBMITTED' || status === 'APPROVED') return 'OPEN';
  return 'CLOSED';
}

const day = (event: DomainEvent): string => event.occurredAt.slice(0, 10);

/** A program row written before versions were kept: its snapshot stands for the book before any recorded version. */
const LEGACY_BOOK_FROM = '2000-01-01';

/**
 * Keeps every version of the program's book by its effective date (what standing on a date
 * reads), whatever order they arrive in; the row's own snapshot follows the newest event.
 */
async function applyProgram(program: EventPayload<'program.saved', 1>, event: DomainEvent, manager: EntityManager): Promise<void> {
  const at = new Date(event.occurredAt);
  const current = await manager.findOneBy(ProgramFactEntity, { code: program.code });
  const known: ProgramVersionFact[] =
    current && current.versions.length === 0
      ? [{ version: 0, effectiveFrom: LEGACY_BOOK_FROM, noDowngradeUntil: current.noDowngradeUntil, tiers: current.tiers, specializations: current.specializations }]
      : (current?.versions ?? []);
  const versions = withVersion(known, {
    version: program.version,
    effectiveFrom: program.effectiveFrom,
    noDowngradeUntil: program.noDowngradeUntil,
    tiers: program.tiers,
    specializations: program.specializations,
  });
  const newest = !current || current.updatedAt <= at;
  await manager.save(ProgramFactEntity, {
    code: program.code,
    currency: newest ? program.currency : current.currency,
    noDowngradeUntil: newest ? program.noDowngradeUntil : current.noDowngradeUntil,
    tiers: newest ? program.tiers : current.tiers,
    specializations: newest ? program.specializations : current.specializations,
    versions,
    updatedAt: newest ? at : current.updatedAt,
  });
}

async function applyPartner(partner: EventPayload<'partner.created', 1>, event: DomainEvent, manager: EntityManager): Promise<void> {
  const at = new Date(event.occurredAt);
  // Kept per snapshot, effective from its day, so a past deal sees the focus of its close date.
  const focus = { id: event.id, partnerId: partner.partnerId, segmentFocus: partner.segmentFocus, effectiveFrom: day(event), recordedAt: at };
  const current = await manager.findOneBy(PartnerFactEntity, { id: partner.partnerId });
  if (current && current.updatedAt > at) {
    await manager.save(SegmentFocusFactEntity, focus);
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
  await manager.save(SegmentFocusFactEntity, focus);
}

async function applyDeal(deal: DealPayload, event: DomainEvent, manager: EntityManager): Promise<void> {
  const at = new Date(event.occurredAt);
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
    reversedOn: status === 'REVERSED' ? (current?.reversedOn ?? day(event)) : null,
    lastEventAt: at,
  });
}

const dealV1 = { 1: applyDeal };

/**
 * Applies each event to the ledger, in the consumer's transaction. Snapshots (programs,
 * partners, deals) keep the newest by event time, so late or repeated events change nothing;
 * effective-dated facts (tiers, certifications, renewals, usage) are keyed by what they record.
 */
export const ledgerConsumer = defineConsumer(LEDGER_CONSUMER, {
  'program.saved': { 1: applyProgram },
  'partner.created': { 1: applyPartner },
  'partner.changed': { 1: applyPartner },
  'partner.tier_assigned': {
    1: async (tier, event, manager) => {
      await manager.save(TierFactEntity, { id: event.id, partnerId: tier.partnerId, tierCode: tier.tierCode, effectiveFrom: tier.effectiveFrom, recordedAt: new Date(event.occurredAt) });
    },
  },
  'partner.certification_added': {
    1: async (c, _event, manager) => {
      await manager.save(CertificationFactEntity, {
        id: c.certificationId,
        partnerId: c.partnerId,
        personId: c.personId,
        specializationCode: c.specializationCode,
        kind: c.kind,
        validFrom: c.validFrom,
        validUntil: c.validUntil,
      });
    },
  },
  'deal.submitted': dealV1,
  'deal.approved': dealV1,
  'deal.rejected': dealV1,
  'deal.withdrawn': dealV1,
  'deal.extended': dealV1,
  'deal.won': dealV1,
  'deal.lost': dealV1,
  'deal.expired': dealV1,
  'deal.reversed': dealV1,
  'deal.conflict_resolved': dealV1,
  'license.renewed': {
    1: async (renewal, event, manager) => {
      if (!renewal.term) return;
      await manager.save(RenewalFactEntity, {
        id: `${renewal.licenseId}:${renewal.term.sequence}`,
        partnerId: renewal.partnerId,
        distributorId: renewal.distributorId,
        amount: BigInt(renewal.term.amountMinor),
        currency: renewal.currency,
        startsOn: renewal.term.startsOn,
        renewedOn: day(event),
      });
    },
  },
  'usage.statement_issued': {
    1: async (statement, _event, manager) => {
      await manager.save(UsageFactEntity, {
        statementId: statement.statementId,
        partnerId: statement.partnerId,
        distributorId: statement.distributorId,
        month: statement.month,
        total: BigInt(statement.totalMinor),
        currency: statement.currency,
      });
    },
  },
});

/** One event through the ledger consumer (applied, or parked), for callers that hold the transaction. */
export const applyLedgerEvent = ledgerConsumer.handle;
