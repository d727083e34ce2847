import { addMonths, InvalidInputError, type IsoDate } from '@hub/domain';

export const MIN_TERM_MONTHS = 1;
export const MAX_TERM_MONTHS = 60;

export function checkTermMonths(field: string, months: number): number {
  if (!Number.isInteger(months) || months < MIN_TERM_MONTHS || months > MAX_TERM_MONTHS) {
    throw new InvalidInputError(field, `must be a whole number of months from ${MIN_TERM_MONTHS} to ${MAX_TERM_MONTHS}, got ${months}`);
  }
  return months;
}

export function checkLicenseSeats(field: string, seats: number): number {
  if (!Number.isInteger(seats) || seats < 1 || seats > 1_000_000) throw new InvalidInputError(field, `must be a whole number of seats from 1 to 1000000, got ${seats}`);
  return seats;
}

/** A term covers [startsOn, endsOn): a 12-month term from 2026-03-15 ends on 2027-03-15. */
export function termEnd(startsOn: IsoDate, months: number): IsoDate {
  return addMonths(startsOn, months);
}

/**
 * The price of a term: seats × the price per seat-year, prorated by months / 12, rounded half-up
 * to the minor unit once for the whole term.
 */
export function termAmount(pricePerSeatYearMinor: bigint, seats: number, months: number): bigint {
  const numerator = pricePerSeatYearMinor * BigInt(seats) * BigInt(months);
  return (numerator * 2n + 12n) / 24n;
}
