import { describe, expect, it } from 'vitest';
import { FrozenPeriods, nextQuarter, parseQuarter, quarterBounds, quarterOf } from './periods';

describe('quarters', () => {
  it('puts the first and last day of each quarter in it', () => {
    expect([quarterOf('2026-01-01'), quarterOf('2026-03-31'), quarterOf('2026-04-01'), quarterOf('2026-09-30'), quarterOf('2026-10-01'), quarterOf('2026-12-31')]).toEqual([
      '2026-Q1',
      '2026-Q1',
      '2026-Q2',
      '2026-Q3',
      '2026-Q4',
      '2026-Q4',
    ]);
  });

  it('bounds a quarter by its first and last day, inclusive', () => {
    expect(quarterBounds('2026-Q3')).toEqual({ from: '2026-07-01', to: '2026-09-30' });
    expect(quarterBounds('2024-Q1')).toEqual({ from: '2024-01-01', to: '2024-03-31' });
    expect(quarterBounds('2026-Q4')).toEqual({ from: '2026-10-01', to: '2026-12-31' });
  });

  it('moves to the next quarter across a year end', () => {
    expect(nextQuarter('2026-Q3')).toBe('2026-Q4');
    expect(nextQuarter('2026-Q4')).toBe('2027-Q1');
  });

  it('rejects what is not a quarter, naming the field', () => {
    expect(parseQuarter('period', '2026-Q2')).toBe('2026-Q2');
    for (const bad of ['2026-Q5', '2026-Q0', '2026-3', 'Q3-2026', '1999-Q4', '2101-Q1', '9999-Q1']) {
      expect(() => parseQuarter('period', bad)).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT', details: { field: 'period' } }));
    }
  });
});

describe('FrozenPeriods', () => {
  const frozen = new FrozenPeriods([
    { payeeId: 'p1', period: '2026-Q3' },
    { payeeId: 'p1', period: '2026-Q4' },
    { payeeId: 'p2', period: '2026-Q4' },
  ]);

  it('answers an open quarter itself', () => {
    expect(frozen.firstOpenFrom('p2', '2026-Q3')).toBe('2026-Q3');
  });

  it('skips every frozen quarter of the payee, across a year end', () => {
    expect(frozen.firstOpenFrom('p1', '2026-Q3')).toBe('2027-Q1');
  });

  it("does not skip another payee's frozen quarters", () => {
    expect(frozen.firstOpenFrom('p3', '2026-Q4')).toBe('2026-Q4');
  });
});
