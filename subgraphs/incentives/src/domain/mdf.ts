import { DomainError, formatAmount } from '@hub/domain';

export type MdfRequestStatus = 'PENDING' | 'APPROVED' | 'REJECTED';

/**
 * What is left of an allocation: pending and approved requests hold their amount, rejected
 * ones give it back. Requests are checked against this under the allocation's row lock.
 */
export function remainingMdf(allocationMinor: bigint, requests: readonly { status: MdfRequestStatus; amountMinor: bigint }[]): bigint {
  return requests.reduce((left, request) => (request.status === 'REJECTED' ? left : left - request.amountMinor), allocationMinor);
}

export function assertWithinBalance(amountMinor: bigint, remainingMinor: bigint, currency: string): void {
  if (amountMinor > remainingMinor) {
    throw new DomainError(
      'INCENTIVES.MDF_INSUFFICIENT_BALANCE',
      `The request of ${formatAmount(amountMinor, currency)} ${currency} exceeds the remaining MDF balance of ${formatAmount(remainingMinor, currency)} ${currency}`,
      { requested: formatAmount(amountMinor, currency), remaining: formatAmount(remainingMinor, currency) },
    );
  }
}
