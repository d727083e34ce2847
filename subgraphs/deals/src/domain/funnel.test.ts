import { describe, expect, it } from 'vitest';
import { medianDays, medianWindow, ratio } from './funnel';

describe('funnel arithmetic', () => {
  it('divides exactly, rounding half up', () => {
    expect(ratio(2n, 3n, 4)).toBe('0.6667');
    expect(ratio(1n, 8n, 2)).toBe('0.13');
    expect(ratio(5n, 5n, 4)).toBe('1.0000');
    expect(ratio(0n, 5n, 2)).toBe('0.00');
    expect(ratio(-3n, 2n, 1)).toBe('-1.5');
    expect(ratio(1n, 0n, 2)).toBeNull();
  });

  it('finds the middle of odd and even counts', () => {
    expect(medianWindow(1)).toEqual({ offset: 0, take: 1 });
    expect(medianWindow(5)).toEqual({ offset: 2, take: 1 });
    expect(medianWindow(4)).toEqual({ offset: 1, take: 2 });
  });

  it('turns the middle values into days', () => {
    expect(medianDays([], 86_400n)).toBeNull();
    expect(medianDays([129_600n], 86_400n)).toBe('1.50');
    expect(medianDays([2n, 3n], 1n)).toBe('2.50');
  });
});
