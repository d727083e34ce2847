import { describe, expect, it } from 'vitest';
import { MAX_TERM_MONTHS, MIN_TERM_MONTHS, checkLicenseSeats, checkTermMonths, termAmount, termEnd } from './term';

describe('termEnd', () => {
  it.each([
    ['2026-03-15', 12, '2027-03-15'],
    ['2026-01-31', 1, '2026-02-28'],
    ['2028-01-31', 1, '2028-02-29'],
    ['2026-11-30', 3, '2027-02-28'],
    ['2026-01-01', 60, '2031-01-01'],
  ])('ends a term from %s of %i months on %s', (startsOn, months, endsOn) => {
    expect(termEnd(startsOn, months)).toBe(endsOn);
  });
});

describe('termAmount', () => {
  it('charges seats × the seat-year price for a full year', () => {
    expect(termAmount(2_500n, 10, 12)).toBe(25_000n);
    expect(termAmount(2_500n, 10, 24)).toBe(50_000n);
  });

  it('prorates by months / 12 exactly when it divides', () => {
    expect(termAmount(12_000n, 1, 1)).toBe(1_000n);
    expect(termAmount(2_500n, 10, 6)).toBe(12_500n);
  });

  it('rounds an exact half of a minor unit up: 41.50 × 3 seats × 7/12 = 72.625 → 72.63', () => {
    // 4150 × 3 × 7 = 87150 minor-unit-months; / 12 = 7262.5
    expect(termAmount(4_150n, 3, 7)).toBe(7_263n);
  });

  it('rounds 1.5 minor units up to 2 and 1.41666… down to 1', () => {
    expect(termAmount(18n, 1, 1)).toBe(2n);
    expect(termAmount(17n, 1, 1)).toBe(1n);
    expect(termAmount(1n, 1, 6)).toBe(1n);
    expect(termAmount(1n, 1, 5)).toBe(0n);
  });

  it('rounds once for the whole term, not per seat: 3 seats × 0.18 / 12 = 4.5 → 5, not 3 × 2', () => {
    expect(termAmount(18n, 3, 1)).toBe(5n);
  });

  it('stays exact for large terms', () => {
    expect(termAmount(123_456_789_012n, 1_000_000, 60)).toBe(617_283_945_060_000_000n);
    expect(termAmount(2n ** 53n + 1n, 12, 1)).toBe(2n ** 53n + 1n);
  });
});

describe('checkTermMonths', () => {
  it('allows 1 to 60 months', () => {
    expect(MIN_TERM_MONTHS).toBe(1);
    expect(MAX_TERM_MONTHS).toBe(60);
    expect(checkTermMonths('termMonths', 1)).toBe(1);
    expect(checkTermMonths('termMonths', 12)).toBe(12);
    expect(checkTermMonths('termMonths', 60)).toBe(60);
  });

  it.each([0, 61, -12, 1.5, Number.NaN])('rejects %s months as BAD_USER_INPUT naming the field', (months) => {
    expect(() => checkTermMonths('termMonths', months)).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'termMonths' }));
  });
});

describe('checkLicenseSeats', () => {
  it.each([1, 250, 1_000_000])('accepts %i seats', (seats) => {
    expect(checkLicenseSeats('input.seats', seats)).toBe(seats);
  });

  it.each([0, -1, 2.5, Number.NaN, 1_000_001])('rejects %s seats as BAD_USER_INPUT naming the field', (seats) => {
    expect(() => checkLicenseSeats('input.seats', seats)).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'input.seats' }));
  });
});
