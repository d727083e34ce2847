import type { DealEntity } from '../entities/deal.entity';
import type { DealLineEntity } from '../entities/deal-line.entity';

export const DEAL_EVENT_VERSION = 1;

export const DEAL_EVENT_KINDS = ['SUBMITTED', 'APPROVED', 'REJECTED', 'WITHDRAWN', 'EXTENDED', 'WON', 'LOST', 'EXPIRED', 'REVERSED', 'CONFLICT_RESOLVED'] as const;
export type DealEventKind = (typeof DEAL_EVENT_KINDS)[number];

/**
 * Everything a consumer needs to act on a deal change without calling back: incentives compute
 * payouts from these facts alone, licences issue from a won deal's lines.
 */
export interface DealEventPayload {
  kind: DealEventKind;
  dealId: string;
  partnerId: string;
  distributorId: string | null;
  referringPartnerId: string | null;
  programCode: string;
  type: DealEntity['type'];
  productLine: string;
  segment: DealEntity['segment'];
  seats: number;
  /** Minor units as a decimal string (JSON has no bigint). */
  amountMinor: string;
  currency: string;
  status: DealEntity['status'];
  endCustomer: { name: string; country: string; domain: string | null };
  lines: { sku: string; seats: number; unitPriceMinor: string; amountMinor: string }[];
  registeredAt: string;
  approvedAt: string | null;
  expiresAt: string | null;
  expectedCloseDate: string;
  closedAt: string | null;
  reason: string | null;
  /** The earlier registration this one conflicts with, until resolved (added in v1, optional for older events). */
  conflictWithId?: string | null;
}

export function dealEventType(kind: DealEventKind): string {
  return `deal.${kind.toLowerCase()}`;
}

export function dealEventPayload(kind: DealEventKind, deal: DealEntity, lines: readonly DealLineEntity[]): DealEventPayload {
  return {
    kind,
    dealId: deal.id,
    partnerId: deal.partnerId,
    distributorId: deal.distributorId,
    referringPartnerId: deal.referringPartnerId,
    programCode: deal.programCode,
    type: deal.type,
    productLine: deal.productLine,
    segment: deal.segment,
    seats: deal.seats,
    amountMinor: deal.amount.toString(),
    currency: deal.currency,
    status: deal.status,
    endCustomer: { name: deal.customerName, country: deal.customerCountry, domain: deal.customerDomain },
    lines: [...lines]
      .sort((a, b) => a.position - b.position)
      .map((line) => ({ sku: line.sku, seats: line.seats, unitPriceMinor: line.unitPrice.toString(), amountMinor: line.amount.toString() })),
    registeredAt: deal.registeredAt.toISOString(),
    approvedAt: deal.approvedAt?.toISOString() ?? null,
    expiresAt: deal.expiresAt,
    expectedCloseDate: deal.expectedCloseDate,
    closedAt: deal.closedAt,
    reason: deal.reason,
    conflictWithId: deal.conflictWithId,
  };
}
