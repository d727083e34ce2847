import { addMonths, checkYear, InvalidInputError, type IsoDate } from '@hub/domain';

/** A calendar month, `2026-09`. */
export type Month = string;

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

export function parseMonth(field: string, value: string): Month {
  if (!MONTH.test(value)) throw new InvalidInputError(field, `"${value}" is not a month (YYYY-MM)`);
  checkYear(field, Number(value.slice(0, 4)), value);
  return value;
}

export function monthOf(date: IsoDate): Month {
  return date.slice(0, 7);
}

export function firstDayOf(month: Month): IsoDate {
  return `${month}-01`;
}

export function lastDayOf(month: Month): IsoDate {
  const [year, monthIndex] = month.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(year, monthIndex, 0)).toISOString().slice(0, 10);
}

export function nextMonth(month: Month): Month {
  return monthOf(addMonths(firstDayOf(month), 1));
}

/**
 * The last day a report for `month` is accepted: day `lockDay` of the following month (clamped
 * to that month's length). From the day after, the month is locked.
 */
export function lastReportingDay(month: Month, lockDay: number): IsoDate {
  const following = nextMonth(month);
  const last = lastDayOf(following);
  const day = Math.min(lockDay, Number(last.slice(8)));
  return `${following}-${String(day).padStart(2, '0')}`;
}

export function isMonthLocked(month: Month, lockDay: number, today: IsoDate): boolean {
  return today > lastReportingDay(month, lockDay);
}

/** A deployment counts in a month when it was live on at least one of its days. */
export function liveDuring(deployment: { deployedOn: IsoDate; endedOn: IsoDate | null }, month: Month): boolean {
  return deployment.deployedOn <= lastDayOf(month) && (deployment.endedOn === null || deployment.endedOn >= firstDayOf(month));
}
