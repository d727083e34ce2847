import { DomainError, formatAmount } from '@hub/domain';
import type { PayoutLine } from './lines';

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

export interface ApprovedMdfClaim {
  claimId: string;
  partnerId: string;
  amountMinor: bigint;
  currency: string;
  activity: string;
  proofOfPerformance: string;
  decidedOn: string;
}

/** An approved claim is paid in full in the statement of the quarter it was approved in. */
export function mdfPayout(claim: ApprovedMdfClaim, ruleVersion: number): PayoutLine {
  return {
    rule: 'MDF',
    ruleVersion,
    source: `mdf-claim:${claim.claimId}`,
    baseMinor: claim.amountMinor,
    rate: '100%',
    amountMinor: claim.amountMinor,
    currency: claim.currency,
    explanation: `MDF claim for "${claim.activity}" approved on ${claim.decidedOn} with proof of performance ${claim.proofOfPerformance}: ${formatAmount(claim.amountMinor, claim.currency)} ${claim.currency}`,
    payee: { kind: 'PARTNER', id: claim.partnerId },
  };
}
