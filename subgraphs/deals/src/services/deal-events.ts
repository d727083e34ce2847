import { DEAL_EVENT_KINDS, type DealEventKind, type EventPayload } from '@hub/contracts';
import type { DealEntity } from '../entities/deal.entity';
import type { DealLineEntity } from '../entities/deal-line.entity';

export { DEAL_EVENT_KINDS, type DealEventKind } from '@hub/contracts';

/** The version of the deal.* payloads deals publishes. */
export const DEAL_EVENT_VERSION = 1;

/** What every deal.* event carries, as the event catalogue declares it. */
export type DealEventPayload = EventPayload<'deal.won', typeof DEAL_EVENT_VERSION>;
export type DealEventType = `deal.${Lowercase<DealEventKind>}`;

export function dealEventType(kind: DealEventKind): DealEventType {
  return `deal.${kind.toLowerCase() as Lowercase<DealEventKind>}`;
}

/** Every deal.* type deals publishes. */
export const DEAL_EVENT_TYPES: readonly DealEventType[] = DEAL_EVENT_KINDS.map(dealEventType);

export function isDealEventType(type: string): type is DealEventType {
  return (DEAL_EVENT_TYPES as readonly string[]).includes(type);
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
