import { describe, expect, it } from 'vitest';
import { firstDayOf, isMonthLocked, lastDayOf, lastReportingDay, liveDuring, monthOf, nextMonth, parseMonth } from './months';

describe('parseMonth', () => {
  it.each(['2000-01', '2026-01', '2026-09', '2026-12', '2100-12'])('accepts %s', (value) => {
    expect(parseMonth('month', value)).toBe(value);
  });

  it.each(['2026-13', '2026-9', '2026-00', '26-09', '2026-09-01', '2026/09', ' 2026-09', '', '1999-12', '2101-01', '9999-12'])('rejects %j as BAD_USER_INPUT naming the field', (value) => {
    expect(() => parseMonth('input.month', value)).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'input.month' }));
  });
});

describe('month days', () => {
  it('gives the month of a date and its first day', () => {
    expect(monthOf('2026-09-30')).toBe('2026-09');
    expect(firstDayOf('2026-09')).toBe('2026-09-01');
  });

  it.each([
    ['2028-02', '2028-02-29'],
    ['2026-02', '2026-02-28'],
    ['2000-02', '2000-02-29'],
    ['2100-02', '2100-02-28'],
    ['2026-04', '2026-04-30'],
    ['2026-12', '2026-12-31'],
    ['2026-01', '2026-01-31'],
  ])('ends %s on %s', (month, last) => {
    expect(lastDayOf(month)).toBe(last);
  });

  it('moves from December into January of the next year', () => {
    expect(nextMonth('2026-12')).toBe('2027-01');
    expect(nextMonth('2026-01')).toBe('2026-02');
    expect(nextMonth('2026-09')).toBe('2026-10');
  });
});

describe('reporting window', () => {
  it.each([
    ['2026-09', 10, '2026-10-10'],
    ['2026-12', 10, '2027-01-10'],
    ['2026-01', 31, '2026-02-28'],
    ['2028-01', 31, '2028-02-29'],
    ['2026-03', 31, '2026-04-30'],
    ['2026-07', 31, '2026-08-31'],
  ])('accepts reports for %s with lock day %i until %s', (month, lockDay, last) => {
    expect(lastReportingDay(month, lockDay)).toBe(last);
  });

  it('keeps a month open on its last reporting day and locks it the day after', () => {
    expect(isMonthLocked('2026-09', 10, '2026-10-10')).toBe(false);
    expect(isMonthLocked('2026-09', 10, '2026-10-11')).toBe(true);
  });

  it('clamps the lock day in February: open on 2026-02-28, locked on 2026-03-01', () => {
    expect(isMonthLocked('2026-01', 31, '2026-02-28')).toBe(false);
    expect(isMonthLocked('2026-01', 31, '2026-03-01')).toBe(true);
  });

  it('keeps the month itself open while it runs', () => {
    expect(isMonthLocked('2026-09', 10, '2026-09-15')).toBe(false);
    expect(isMonthLocked('2026-12', 7, '2027-01-07')).toBe(false);
    expect(isMonthLocked('2026-12', 7, '2027-01-08')).toBe(true);
  });
});

describe('liveDuring', () => {
  const removedMidApril = { deployedOn: '2026-03-10', endedOn: '2026-04-15' };

  it('counts a deployment removed mid-month for that month', () => {
    expect(liveDuring(removedMidApril, '2026-04')).toBe(true);
    expect(liveDuring(removedMidApril, '2026-03')).toBe(true);
  });

  it('does not count it for the month after', () => {
    expect(liveDuring(removedMidApril, '2026-05')).toBe(false);
  });

  it('counts a deployment removed on the first day of the month: it ran for part of that day', () => {
    expect(liveDuring({ deployedOn: '2026-01-05', endedOn: '2026-05-01' }, '2026-05')).toBe(true);
    expect(liveDuring({ deployedOn: '2026-05-01', endedOn: '2026-05-01' }, '2026-05')).toBe(true);
  });

  it('does not count a deployment removed on the last day of the month before', () => {
    expect(liveDuring({ deployedOn: '2026-01-05', endedOn: '2026-03-31' }, '2026-04')).toBe(false);
  });

  it('does not count a deployment made after the month', () => {
    expect(liveDuring({ deployedOn: '2026-05-01', endedOn: null }, '2026-04')).toBe(false);
    expect(liveDuring(removedMidApril, '2026-02')).toBe(false);
  });

  it('counts a deployment made on the last day of the month', () => {
    expect(liveDuring({ deployedOn: '2026-04-30', endedOn: null }, '2026-04')).toBe(true);
  });

  it('counts a deployment that is still running in every month since it was made', () => {
    const running = { deployedOn: '2026-01-20', endedOn: null };
    expect(liveDuring(running, '2026-01')).toBe(true);
    expect(liveDuring(running, '2027-06')).toBe(true);
  });
});
