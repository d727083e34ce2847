import { describe, expect, it } from 'vitest';
import { addDays, addMonths, isIsoDate, parseIsoDate } from './dates';
import { InvalidInputError } from './errors';

describe('dates', () => {
  it('accepts only real calendar dates', () => {
    expect(isIsoDate('2024-02-29')).toBe(true);
    expect(isIsoDate('2023-02-29')).toBe(false);
    expect(isIsoDate('2024-13-01')).toBe(false);
    expect(() => parseIsoDate('validUntil', '31/12/2024')).toThrow(/validUntil/);
  });

  it('accepts input dates only in the years 2000 to 2100, naming the field', () => {
    expect(parseIsoDate('startsOn', '2000-01-01')).toBe('2000-01-01');
    expect(parseIsoDate('startsOn', '2100-12-31')).toBe('2100-12-31');
    expect(() => parseIsoDate('startsOn', '1999-12-31')).toThrow(/startsOn: .*2000 to 2100/);
    expect(() => parseIsoDate('startsOn', '2101-01-01')).toThrow(InvalidInputError);
    expect(() => parseIsoDate('startsOn', '9999-06-15')).toThrow(expect.objectContaining({ field: 'startsOn', code: 'BAD_USER_INPUT' }));
  });

  it('adds days and months across month and year ends', () => {
    expect(addDays('2024-12-31', 1)).toBe('2025-01-01');
    expect(addDays('2026-01-01', 90)).toBe('2026-04-01');
    expect(addMonths('2024-01-31', 1)).toBe('2024-02-29');
  });
});
