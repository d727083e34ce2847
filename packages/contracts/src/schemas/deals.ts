import { z } from 'zod';
import { currency, id, instant, isoDate, minorUnits, segment } from './common';

export const DEAL_EVENT_KINDS = ['SUBMITTED', 'APPROVED', 'REJECTED', 'WITHDRAWN', 'EXTENDED', 'WON', 'LOST', 'EXPIRED', 'REVERSED', 'CONFLICT_RESOLVED'] as const;
export type DealEventKind = (typeof DEAL_EVENT_KINDS)[number];

/**
 * Everything a consumer needs to act on a deal change without calling back: incentives compute
 * payouts from these facts alone, licences issue from a won deal's lines. Every deal.* type
 * carries this payload.
 */
export const dealEventV1 = z.object({
  kind: z.enum(DEAL_EVENT_KINDS),
  dealId: id,
  partnerId: id,
  distributorId: id.nullable(),
  referringPartnerId: id.nullable(),
  programCode: z.string(),
  type: z.enum(['NEW_CUSTOMER', 'NEW_SOLUTION', 'RENEWAL']),
  productLine: z.string(),
  segment,
  seats: z.number().int(),
  amountMinor: minorUnits,
  currency,
  status: z.enum(['SUBMITTED', 'APPROVED', 'REJECTED', 'WITHDRAWN', 'WON', 'LOST', 'EXPIRED', 'REVERSED']),
  endCustomer: z.object({ name: z.string(), country: z.string(), domain: z.string().nullable() }),
  lines: z.array(z.object({ sku: z.string(), seats: z.number().int(), unitPriceMinor: minorUnits, amountMinor: minorUnits })),
  registeredAt: instant,
  approvedAt: instant.nullable(),
  expiresAt: isoDate.nullable(),
  expectedCloseDate: isoDate,
  closedAt: isoDate.nullable(),
  reason: z.string().nullable(),
  /**
   * The earlier registration this one conflicts with, until resolved. It was added to version 1
   * after events had been published without it, so it stays optional in version 1.
   */
  conflictWithId: id.nullable().optional(),
});
