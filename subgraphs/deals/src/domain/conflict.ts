import type { IsoDate } from '@hub/domain';
import type { DealStatus } from './lifecycle';
import { HOLDING_STATUSES } from './lifecycle';
import { isExpiredOn } from './validity';

// Shared with licences: one notion of "the same end customer" across the hub.
export { normalizeCustomerName, normalizeDomain } from '@hub/domain';

export interface RegistrationClaim {
  id: string;
  partnerId: string;
  productLine: string;
  customerKey: string;
  customerDomain: string | null;
  status: DealStatus;
  expiresAt: IsoDate | null;
  registeredAt: Date;
}

/**
 * The registration that already holds this end customer and product line for another partner
 * (submitted, or approved and not expired), oldest first: the first registration is protected.
 */
export function findConflict(
  candidate: Pick<RegistrationClaim, 'partnerId' | 'productLine' | 'customerKey' | 'customerDomain'>,
  existing: readonly RegistrationClaim[],
  today: IsoDate,
): RegistrationClaim | undefined {
  return existing
    .filter(
      (other) =>
        other.partnerId !== candidate.partnerId &&
        other.productLine === candidate.productLine &&
        HOLDING_STATUSES.includes(other.status) &&
        !(other.status === 'APPROVED' && other.expiresAt !== null && isExpiredOn(other.expiresAt, today)) &&
        (other.customerKey === candidate.customerKey || (candidate.customerDomain !== null && other.customerDomain === candidate.customerDomain)),
    )
    .sort((a, b) => a.registeredAt.getTime() - b.registeredAt.getTime())[0];
}
