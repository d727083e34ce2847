import { newId } from '@hub/db';
import type { DomainEvent } from '@hub/events';

/*
 * Ledger events as the partners and deals subgraphs publish them, for integration tests that
 * feed the incentives ledger directly.
 */

export const PROGRAMS = [
  {
    code: 'FR-2023',
    currency: 'EUR',
    noDowngradeUntil: '2024-12-31',
    tiers: ['REGISTERED', 'SKILL', 'EXPERT', 'ELITE'].map((code, i) => ({ code, name: code, rank: i + 1, minCertifiedStaff: i * 5, minRevenueMinor: String(i * 10_000_000), capacity: null })),
    specializations: [{ code: 'NETWORK_SECURITY', name: 'Network Security', productLine: 'NETWORK', requiredSales: 1, requiredTechnical: 1 }],
  },
  {
    code: 'AU-2014',
    currency: 'AUD',
    noDowngradeUntil: null,
    tiers: ['ASSOCIATE', 'PREMIER', 'NATIONAL'].map((code, i) => ({ code, name: code, rank: i + 1, minCertifiedStaff: i * 3, minRevenueMinor: String(i * 12_000_000), capacity: i === 2 ? 10 : null })),
    specializations: [],
  },
];

/**
 * What the publishers also send but the ledger does not read, so the tests name only what
 * matters to them and the payloads still pass the event catalogue's schemas.
 */
function unreadFacts(type: string): object {
  if (type === 'program.saved') return { name: 'Program', version: 1, effectiveFrom: '2023-01-01' };
  if (type === 'partner.created' || type === 'partner.changed') return { businessModels: ['RESELLER'] };
  if (type === 'partner.tier_assigned') return { reason: 'assigned for the test' };
  if (type.startsWith('deal.')) {
    return {
      kind: type.slice('deal.'.length).toUpperCase(),
      endCustomer: { name: 'Kunde GmbH', country: 'DE', domain: null },
      lines: [],
      registeredAt: '2026-06-01T09:00:00.000Z',
      expiresAt: null,
      expectedCloseDate: '2026-09-30',
      reason: null,
    };
  }
  return {};
}

let sequence = 0;
/** Events as the other subgraphs publish them, a second apart. */
export function event(type: string, aggregateId: string, payload: object, occurredAt?: string): DomainEvent {
  sequence += 1;
  return {
    id: newId(),
    type,
    version: 1,
    occurredAt: occurredAt ?? new Date(Date.UTC(2026, 0, 1, 0, 0, sequence)).toISOString(),
    source: type.split('.')[0]!,
    aggregateId,
    payload: { ...unreadFacts(type), ...payload },
  };
}

export function partner(partnerId: string, programCode: string, currency: string) {
  return event('partner.created', partnerId, { partnerId, name: `Partner ${partnerId.slice(-4)}`, country: programCode.slice(0, 2), programCode, currency, status: 'ACTIVE', segmentFocus: 'SMB', distributorIds: [] });
}

export function deal(kind: 'approved' | 'won' | 'reversed', facts: { dealId: string; partnerId: string; programCode: string; currency: string; amountMinor: string; seats?: number; type?: string; productLine?: string; closedAt?: string; referringPartnerId?: string; distributorId?: string; segment?: string }, occurredAt: string) {
  return event(
    `deal.${kind}`,
    facts.dealId,
    {
      type: 'NEW_CUSTOMER',
      productLine: 'NETWORK',
      segment: 'SMB',
      seats: 100,
      ...facts,
      // A fact the test leaves undefined is absent from the deal: null, as deals publishes it.
      distributorId: facts.distributorId ?? null,
      referringPartnerId: facts.referringPartnerId ?? null,
      status: kind === 'won' ? 'WON' : kind === 'reversed' ? 'REVERSED' : 'APPROVED',
      approvedAt: '2026-07-01T09:00:00.000Z',
      closedAt: kind === 'approved' ? null : (facts.closedAt ?? null),
    },
    occurredAt,
  );
}

