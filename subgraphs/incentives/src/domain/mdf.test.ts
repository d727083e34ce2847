import { describe, expect, it } from 'vitest';
import { demoRule } from '../test/builders';
import {
  assertAllocationCoversRequests,
  assertMdfEligible,
  assertWithinBalance,
  assertWithinRequest,
  decideMdf,
  mdfEligibilityDate,
  parseMdfAmount,
  parseMdfText,
  remainingMdf,
  unclaimedMdf,
  type MdfEligibilityInputs,
} from './mdf';

describe('remainingMdf', () => {
  it('is the whole allocation before any request', () => {
    expect(remainingMdf(1_000_000n, [])).toBe(1_000_000n);
  });

  it('holds pending and approved requests and gives rejected ones back', () => {
    expect(
      remainingMdf(1_000_000n, [
        { status: 'PENDING', amountMinor: 200_000n },
        { status: 'APPROVED', amountMinor: 300_000n },
        { status: 'REJECTED', amountMinor: 400_000n },
      ]),
    ).toBe(500_000n);
  });

  it('is zero when requests take exactly the allocation', () => {
    expect(remainingMdf(500_000n, [{ status: 'APPROVED', amountMinor: 250_000n }, { status: 'PENDING', amountMinor: 250_000n }])).toBe(0n);
  });
});

describe('assertWithinBalance', () => {
  it('accepts a request of exactly the remaining balance', () => {
    expect(() => assertWithinBalance(500_000n, 500_000n, 'AUD')).not.toThrow();
  });

  it('refuses a request one minor unit over the balance with INCENTIVES.MDF_INSUFFICIENT_BALANCE', () => {
    expect(() => assertWithinBalance(500_001n, 500_000n, 'AUD')).toThrow(
      expect.objectContaining({
        code: 'INCENTIVES.MDF_INSUFFICIENT_BALANCE',
        message: 'The request of 5000.01 AUD exceeds the remaining MDF balance of 5000.00 AUD',
        details: { requested: '5000.01', remaining: '5000.00' },
      }),
    );
  });

  it('refuses any request once the balance is spent', () => {
    const remaining = remainingMdf(300_000n, [{ status: 'APPROVED', amountMinor: 300_000n }]);
    expect(() => assertWithinBalance(1n, remaining, 'AUD')).toThrow(expect.objectContaining({ code: 'INCENTIVES.MDF_INSUFFICIENT_BALANCE' }));
    expect(() => assertWithinBalance(0n, remaining, 'AUD')).not.toThrow();
  });
});

describe('parseMdfAmount', () => {
  it('reads an exact decimal in the currency\'s minor units', () => {
    expect(parseMdfAmount('amount', '10000.00', 'AUD')).toBe(1_000_000n);
    expect(parseMdfAmount('amount', '0.01', 'AUD')).toBe(1n);
    expect(parseMdfAmount('amount', '500', 'JPY')).toBe(500n);
  });

  it.each([
    ['0', 'AUD'],
    ['0.00', 'AUD'],
    ['-1.00', 'AUD'],
    ['10.001', 'AUD'],
    ['1.5', 'JPY'],
    ['ten', 'AUD'],
    ['', 'AUD'],
    ['92233720368547758.08', 'AUD'],
    ['90071992547409.92', 'AUD'],
  ])('refuses "%s" %s as BAD_USER_INPUT on the given field', (amount, currency) => {
    expect(() => parseMdfAmount('amount', amount, currency)).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'amount' }));
  });

  it('accepts the largest amount both dialects read back exactly, 2^53 − 1 minor units (SQLite reads integers as doubles)', () => {
    expect(parseMdfAmount('amount', '90071992547409.91', 'AUD')).toBe(2n ** 53n - 1n);
  });
});

describe('parseMdfText', () => {
  it('trims and keeps text up to the limit', () => {
    expect(parseMdfText('activity', '  Trade show booth ', 1000)).toBe('Trade show booth');
    expect(parseMdfText('proofOfPerformance', 'x'.repeat(500), 500)).toHaveLength(500);
  });

  it('refuses blank required text and text over the limit, naming the field', () => {
    expect(() => parseMdfText('activity', '   ', 1000)).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'activity' }));
    expect(() => parseMdfText('proofOfPerformance', 'x'.repeat(501), 500)).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'proofOfPerformance' }));
  });

  it('turns an absent or blank optional note into null', () => {
    expect(parseMdfText('note', null, 1000, true)).toBeNull();
    expect(parseMdfText('note', undefined, 1000, true)).toBeNull();
    expect(parseMdfText('note', ' ', 1000, true)).toBeNull();
    expect(() => parseMdfText('note', 'x'.repeat(1001), 1000, true)).toThrow(expect.objectContaining({ field: 'note' }));
  });
});

describe('mdfEligibilityDate', () => {
  it('is the first day of a period that has not begun', () => {
    expect(mdfEligibilityDate('2026-Q4', '2026-07-10')).toBe('2026-10-01');
  });

  it('is today once the period has begun, and on its first day that day', () => {
    expect(mdfEligibilityDate('2026-Q3', '2026-07-10')).toBe('2026-07-10');
    expect(mdfEligibilityDate('2026-Q3', '2026-07-01')).toBe('2026-07-01');
    expect(mdfEligibilityDate('2026-Q2', '2026-07-10')).toBe('2026-07-10');
  });
});

describe('assertMdfEligible', () => {
  const inputs = (overrides: Partial<MdfEligibilityInputs> = {}): MdfEligibilityInputs => ({
    partnerId: 'p1',
    partnerName: 'Partner One',
    partnerStatus: 'ACTIVE',
    programCode: 'AU-2014',
    tierCode: 'PREMIER',
    rule: demoRule('AU-2014', 'MDF'),
    on: '2026-07-01',
    ...overrides,
  });

  it('allocates to active Premier and Associate partners of AU-2014', () => {
    expect(() => assertMdfEligible(inputs())).not.toThrow();
    expect(() => assertMdfEligible(inputs({ tierCode: 'ASSOCIATE' }))).not.toThrow();
  });

  it.each([
    ['a National partner', { tierCode: 'NATIONAL' }, /tier on 2026-07-01 is NATIONAL/],
    ['a partner on review', { partnerStatus: 'ON_REVIEW' }, /is ON_REVIEW/],
    ['a program without an MDF rule', { programCode: 'FR-2023', rule: undefined }, /FR-2023 has no MDF rule/],
  ])('refuses %s with INCENTIVES.MDF_NOT_ELIGIBLE', (_, overrides, message) => {
    expect(() => assertMdfEligible(inputs(overrides))).toThrow(expect.objectContaining({ code: 'INCENTIVES.MDF_NOT_ELIGIBLE', message: expect.stringMatching(message) }));
  });
});

describe('assertAllocationCoversRequests', () => {
  const held = [
    { status: 'APPROVED' as const, amountMinor: 300_000n },
    { status: 'PENDING' as const, amountMinor: 100_000n },
    { status: 'REJECTED' as const, amountMinor: 900_000n },
  ];

  it('lets an allocation go down to exactly what pending and approved requests hold', () => {
    expect(() => assertAllocationCoversRequests(400_000n, held, 'AUD')).not.toThrow();
  });

  it('refuses one minor unit less with INCENTIVES.MDF_ALLOCATION_BELOW_REQUESTS', () => {
    expect(() => assertAllocationCoversRequests(399_999n, held, 'AUD')).toThrow(
      expect.objectContaining({ code: 'INCENTIVES.MDF_ALLOCATION_BELOW_REQUESTS', details: { allocation: '3999.99', requested: '4000.00' } }),
    );
  });
});

describe('claims against a request', () => {
  it('leave what pending and approved claims do not hold', () => {
    expect(unclaimedMdf(400_000n, [{ status: 'APPROVED', amountMinor: 300_000n }, { status: 'REJECTED', amountMinor: 100_000n }])).toBe(100_000n);
  });

  it('may take exactly what is left, and not a minor unit more', () => {
    expect(() => assertWithinRequest(100_000n, 100_000n, 'AUD')).not.toThrow();
    expect(() => assertWithinRequest(100_001n, 100_000n, 'AUD')).toThrow(
      expect.objectContaining({ code: 'INCENTIVES.MDF_CLAIM_EXCEEDS_REQUEST', details: { claimed: '1000.01', unclaimed: '1000.00' } }),
    );
  });
});

describe('decideMdf', () => {
  it('approves or rejects a pending request or claim', () => {
    expect(decideMdf('MDF request r1', 'PENDING', true)).toBe('APPROVED');
    expect(decideMdf('MDF request r1', 'PENDING', false)).toBe('REJECTED');
  });

  it.each(['APPROVED', 'REJECTED'] as const)('refuses to decide again once %s with INCENTIVES.INVALID_STATE', (status) => {
    expect(() => decideMdf('MDF claim c1', status, true)).toThrow(expect.objectContaining({ code: 'INCENTIVES.INVALID_STATE', message: `MDF claim c1 is already ${status}` }));
  });
});
