import { describe, expect, it } from 'vitest';
import { assertWithinBalance, remainingMdf } from './mdf';

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
