import { COUNTRY_CODES, InvalidInputError, type IsoDate, MAX_AMOUNT_MINOR, minorDigits, parseIsoDate, parseMoney } from '@hub/domain';
import { validName } from './partner-input';
import { assignmentOn, type TierAssignmentFact } from './tier-history';

/*
 * A program's rule book as staff edit it through the API: the program (name, countries, grace
 * date), its tier ladder and its specializations. Every save is a new version of the whole
 * book, effective from a date; these functions check an edit before anything is written and
 * name the field that is wrong.
 */

const PROGRAM_CODE = /^[A-Z0-9][A-Z0-9-]{1,31}$/;
const ITEM_CODE = /^[A-Z0-9][A-Z0-9_-]{0,31}$/;
const CURRENCY = /^[A-Z]{3}$/;
const MAX_COUNT = 100_000;

export interface TierDefinition {
  code: string;
  name: string;
  rank: number;
  minCertifiedStaff: number;
  minRevenue: bigint;
  /** Null: any number of partners may hold it. */
  capacity: number | null;
  legacyNames: string[];
}

export interface SpecializationDefinition {
  code: string;
  name: string;
  productLine: string | null;
  requiredSales: number;
  requiredTechnical: number;
}

export function validProgramCode(field: string, value: string): string {
  const code = value.trim().toUpperCase();
  if (!PROGRAM_CODE.test(code)) throw new InvalidInputError(field, `"${value}" is not a program code (2–32 letters, digits and dashes, e.g. FR-2023)`);
  return code;
}

export function validItemCode(field: string, value: string): string {
  const code = value.trim().toUpperCase();
  if (!ITEM_CODE.test(code)) throw new InvalidInputError(field, `"${value}" is not a code (1–32 letters, digits, dashes and underscores)`);
  return code;
}

export function validCurrency(field: string, value: string): string {
  const currency = value.trim().toUpperCase();
  if (!CURRENCY.test(currency)) throw new InvalidInputError(field, `"${value}" is not an ISO 4217 currency code`);
  return currency;
}

export function validCountries(field: string, values: readonly string[]): string[] {
  if (values.length === 0) throw new InvalidInputError(field, 'name at least one country');
  const countries = [...new Set(values.map((value) => value.trim().toUpperCase()))];
  const unknown = countries.find((country) => !COUNTRY_CODES.has(country));
  if (unknown !== undefined) throw new InvalidInputError(field, `"${unknown}" is not an ISO 3166-1 alpha-2 country code`);
  return countries.sort();
}

export function validCount(field: string, value: number, minimum = 0): number {
  if (!Number.isInteger(value) || value < minimum || value > MAX_COUNT) {
    throw new InvalidInputError(field, `must be a whole number from ${minimum} to ${MAX_COUNT}, got ${value}`);
  }
  return value;
}

/** A tier's yearly revenue threshold, an exact decimal in the program's currency, kept in minor units. */
export function validThreshold(field: string, value: string, currency: string): bigint {
  const minor = parseMoney(field, value, currency).minor;
  if (minor < 0n) throw new InvalidInputError(field, 'must not be negative');
  if (minor > MAX_AMOUNT_MINOR) throw new InvalidInputError(field, `must be at most ${MAX_AMOUNT_MINOR / 10n ** BigInt(minorDigits(currency))} ${currency}`);
  return minor;
}

/**
 * A new version takes effect on or after the one in force: versions move forward in time, so
 * what a past date was judged by never changes.
 */
export function validEffectiveFrom(field: string, value: string, current: IsoDate | null): IsoDate {
  const date = parseIsoDate(field, value);
  if (current !== null && date < current) throw new InvalidInputError(field, `must be on or after ${current}, when the version in force took effect`);
  return date;
}

/**
 * The ladder after an edit: ranks are 1..n without gaps or repeats, codes are unique, and no
 * tier asks for less than the tier below it (a partner qualifying for a higher tier always
 * qualifies for the lower ones, which standing relies on). `field` prefixes the names of the
 * fields at fault, e.g. `tiers[2].minRevenue`, or is a single-tier input's own field names.
 */
export function checkLadder(
  ladder: readonly TierDefinition[],
  fieldOf: (tier: TierDefinition, name: keyof TierDefinition) => string,
  ladderField = 'tiers',
): TierDefinition[] {
  if (ladder.length === 0) throw new InvalidInputError(ladderField, 'a program needs at least one tier');
  const sorted = [...ladder].sort((a, b) => a.rank - b.rank);
  const codes = new Set<string>();
  sorted.forEach((tier, i) => {
    if (tier.rank !== i + 1) throw new InvalidInputError(fieldOf(tier, 'rank'), `ranks run from 1 to ${sorted.length} without gaps or repeats; got ${tier.rank} for ${tier.code}`);
    if (codes.has(tier.code)) throw new InvalidInputError(fieldOf(tier, 'code'), `${tier.code} is on the ladder twice`);
    codes.add(tier.code);
    const below = sorted[i - 1];
    if (!below) return;
    if (tier.minRevenue < below.minRevenue) throw new InvalidInputError(fieldOf(tier, 'minRevenue'), `${tier.code} may not ask for less revenue than ${below.code} below it`);
    if (tier.minCertifiedStaff < below.minCertifiedStaff) {
      throw new InvalidInputError(fieldOf(tier, 'minCertifiedStaff'), `${tier.code} may not ask for fewer certified staff than ${below.code} below it`);
    }
  });
  return sorted;
}

/**
 * The most partners holding `tierCode` on any day from `from` on, from the assignments of the
 * program's active partners (holders change only on effective dates, so those days suffice).
 */
export function peakHolders(history: readonly TierAssignmentFact[], tierCode: string, from: IsoDate): number {
  const byPartner = new Map<string, TierAssignmentFact[]>();
  for (const assignment of history) byPartner.set(assignment.partnerId, [...(byPartner.get(assignment.partnerId) ?? []), assignment]);
  const days = new Set<IsoDate>([from]);
  for (const assignment of history) if (assignment.effectiveFrom > from) days.add(assignment.effectiveFrom);
  let peak = 0;
  for (const day of days) {
    let holders = 0;
    for (const assignments of byPartner.values()) if (assignmentOn(assignments, day)?.tierCode === tierCode) holders += 1;
    peak = Math.max(peak, holders);
  }
  return peak;
}

/** A tier's capacity may not fall below the partners holding it: nobody loses a tier to an edit. */
export function checkCapacity(field: string, capacity: number | null, holders: number, tierCode: string): void {
  if (capacity !== null && capacity < holders) {
    throw new InvalidInputError(field, `${holders} partners hold ${tierCode} on or after the new version's date; its capacity may not be lower`);
  }
}

export function validTierName(field: string, value: string): string {
  return validName(field, value);
}

export function validLegacyNames(field: string, values: readonly string[]): string[] {
  const names = [...new Set(values.map((value) => validName(field, value)))];
  if (names.length > 20) throw new InvalidInputError(field, 'at most 20 legacy names');
  return names;
}
