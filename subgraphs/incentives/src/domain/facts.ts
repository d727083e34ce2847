import type { IsoDate } from '@hub/domain';

export type DealType = 'NEW_CUSTOMER' | 'NEW_SOLUTION' | 'RENEWAL';
export type Segment = 'SMB' | 'ENTERPRISE';

/** New customers and new solutions at existing customers are new business; renewals are not. */
export function isNewBusiness(type: DealType): boolean {
  return type !== 'RENEWAL';
}

/** What the ledger knows of one closed deal: enough to price and pay it without calling deals. */
export interface DealFacts {
  dealId: string;
  partnerId: string;
  distributorId: string | null;
  referringPartnerId: string | null;
  programCode: string;
  type: DealType;
  productLine: string;
  segment: Segment;
  seats: number;
  /** List amount: the lines' seats × recommended partner buy price, in minor units. */
  amountMinor: bigint;
  currency: string;
  /** The registration was approved by the vendor (deal-registration discount, back-end rebate). */
  registered: boolean;
  /** The day it closed (won); null for a quote on an open registration. */
  closedOn: IsoDate | null;
}

/** A partner as it stood on one date: the tier and specializations in effect then, not today's. */
export interface PartnerStanding {
  partnerId: string;
  programCode: string;
  tierCode: string;
  specializations: readonly string[];
  segmentFocus: Segment;
}
