import { DomainError, formatAmount, InvalidInputError, parseMoney, type IsoDate } from '@hub/domain';
import { quarterBounds, type Quarter } from './periods';
import type { RuleVersion } from './rules';

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

/**
 * An MDF amount (allocation, request or claim): an exact decimal in the currency, above zero and
 * (parseMoney) within MAX_AMOUNT_MINOR, so SQLite reads it back as exactly as MySQL.
 */
export function parseMdfAmount(field: string, amount: string, currency: string): bigint {
  const { minor } = parseMoney(field, amount, currency);
  if (minor <= 0n) throw new InvalidInputError(field, `${amount} ${currency} is not above zero`);
  return minor;
}

/** Trimmed free text of 1..max characters; `optional` turns an absent or blank value into null. */
export function parseMdfText(field: string, value: string | null | undefined, max: number, optional: true): string | null;
export function parseMdfText(field: string, value: string, max: number, optional?: false): string;
export function parseMdfText(field: string, value: string | null | undefined, max: number, optional = false): string | null {
  const text = (value ?? '').trim();
  if (text === '') {
    if (optional) return null;
    throw new InvalidInputError(field, 'is required');
  }
  if (text.length > max) throw new InvalidInputError(field, `is ${text.length} characters long; at most ${max} are kept`);
  return text;
}

/**
 * The day whose tier and rules decide whether a partner may be allocated MDF for a period: its
 * first day, or today once the period has begun (a partner that lost the tier since no longer gets it).
 */
export function mdfEligibilityDate(period: Quarter, today: IsoDate): IsoDate {
  const { from } = quarterBounds(period);
  return today > from ? today : from;
}

export interface MdfEligibilityInputs {
  partnerId: string;
  partnerName: string;
  partnerStatus: string;
  programCode: string;
  /** The partner's tier on `on`. */
  tierCode: string;
  /** The program's MDF rule in effect on `on`, if any. */
  rule: RuleVersion<'MDF'> | undefined;
  on: IsoDate;
}

/** Only active partners of a program with an MDF rule, in one of its eligible tiers, are allocated funds. */
export function assertMdfEligible(inputs: MdfEligibilityInputs): void {
  const { rule } = inputs;
  if (inputs.partnerStatus !== 'ACTIVE') throw notEligible(inputs, `the partner is ${inputs.partnerStatus}`);
  if (!rule) throw notEligible(inputs, `program ${inputs.programCode} has no MDF rule in effect on ${inputs.on}`);
  const eligible = rule.parameters.eligibleTiers;
  if (!eligible.includes(inputs.tierCode)) throw notEligible(inputs, `its tier on ${inputs.on} is ${inputs.tierCode}; MDF goes to ${eligible.join(' and ')} partners`);
}

function notEligible(inputs: MdfEligibilityInputs, reason: string): DomainError {
  return new DomainError('INCENTIVES.MDF_NOT_ELIGIBLE', `${inputs.partnerName} cannot be allocated MDF: ${reason}`, {
    partnerId: inputs.partnerId,
    programCode: inputs.programCode,
    tierCode: inputs.tierCode,
    on: inputs.on,
  });
}

/**
 * A new amount for an existing allocation must still cover what its pending and approved requests
 * hold, or the allocation would be overdrawn after the fact: INCENTIVES.MDF_ALLOCATION_BELOW_REQUESTS.
 */
export function assertAllocationCoversRequests(allocationMinor: bigint, requests: readonly { status: MdfRequestStatus; amountMinor: bigint }[], currency: string): void {
  const remaining = remainingMdf(allocationMinor, requests);
  if (remaining < 0n) {
    const held = allocationMinor - remaining;
    throw new DomainError(
      'INCENTIVES.MDF_ALLOCATION_BELOW_REQUESTS',
      `An allocation of ${formatAmount(allocationMinor, currency)} ${currency} is less than the ${formatAmount(held, currency)} ${currency} its pending and approved requests hold`,
      { allocation: formatAmount(allocationMinor, currency), requested: formatAmount(held, currency) },
    );
  }
}

/**
 * What is left to claim on an approved request: pending and approved claims hold their amount,
 * rejected ones give it back (the same arithmetic as an allocation's balance).
 */
export function unclaimedMdf(requestMinor: bigint, claims: readonly { status: MdfRequestStatus; amountMinor: bigint }[]): bigint {
  return remainingMdf(requestMinor, claims);
}

export function assertWithinRequest(amountMinor: bigint, unclaimedMinor: bigint, currency: string): void {
  if (amountMinor > unclaimedMinor) {
    throw new DomainError(
      'INCENTIVES.MDF_CLAIM_EXCEEDS_REQUEST',
      `The claim of ${formatAmount(amountMinor, currency)} ${currency} exceeds the ${formatAmount(unclaimedMinor, currency)} ${currency} left to claim on its request`,
      { claimed: formatAmount(amountMinor, currency), unclaimed: formatAmount(unclaimedMinor, currency) },
    );
  }
}

/** A request or claim is decided once, while PENDING; anything else is INCENTIVES.INVALID_STATE. */
export function decideMdf(what: string, status: MdfRequestStatus, approve: boolean): MdfRequestStatus {
  if (status !== 'PENDING') throw new DomainError('INCENTIVES.INVALID_STATE', `${what} is already ${status}`, { status });
  return approve ? 'APPROVED' : 'REJECTED';
}
