import { InvalidInputError } from './errors';

/** A calendar date as `YYYY-MM-DD`. Dates compare correctly as strings. */
export type IsoDate = string;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isIsoDate(value: string): value is IsoDate {
  const match = ISO_DATE.exec(value);
  if (!match) return false;
  const [, y, m, d] = match.map(Number) as [number, number, number, number];
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

/**
 * The years a date given to the hub may fall in. Anything outside is a typo or an attack, and
 * the dates derived from it (a term's end, an approval's expiry) must still be storable on both
 * dialects and printable as `YYYY-MM-DD`, which a start in year 9999 is not.
 */
export const MIN_YEAR = 2000;
export const MAX_YEAR = 2100;

/** Refuses a year outside MIN_YEAR–MAX_YEAR, naming the field. */
export function checkYear(field: string, year: number, value: string): void {
  if (year < MIN_YEAR || year > MAX_YEAR) throw new InvalidInputError(field, `"${value}" is outside the years ${MIN_YEAR} to ${MAX_YEAR}`);
}

/** A calendar date given as input: a real `YYYY-MM-DD` date in the years MIN_YEAR–MAX_YEAR. */
export function parseIsoDate(field: string, value: string): IsoDate {
  if (!isIsoDate(value)) throw new InvalidInputError(field, `"${value}" is not a calendar date (YYYY-MM-DD)`);
  checkYear(field, Number(value.slice(0, 4)), value);
  return value;
}

/** The UTC calendar date of an instant. Callers pass `now`; the domain never reads the clock. */
export function isoDateOf(instant: Date): IsoDate {
  return instant.toISOString().slice(0, 10);
}

export function addDays(date: IsoDate, days: number): IsoDate {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return isoDateOf(new Date(Date.UTC(y, m - 1, d + days)));
}

export function addMonths(date: IsoDate, months: number): IsoDate {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const firstOfTarget = new Date(Date.UTC(y, m - 1 + months, 1));
  const lastDay = new Date(Date.UTC(firstOfTarget.getUTCFullYear(), firstOfTarget.getUTCMonth() + 1, 0)).getUTCDate();
  firstOfTarget.setUTCDate(Math.min(d, lastDay));
  return isoDateOf(firstOfTarget);
}
