import { describe, expect, it } from 'vitest';
import { DEAL_ACTIONS, DEAL_STATUSES, canTransition, nextStatus, type DealAction, type DealStatus } from './lifecycle';

const LEGAL: [DealStatus, DealAction, DealStatus][] = [
  ['SUBMITTED', 'approve', 'APPROVED'],
  ['SUBMITTED', 'reject', 'REJECTED'],
  ['SUBMITTED', 'withdraw', 'WITHDRAWN'],
  ['APPROVED', 'extend', 'APPROVED'],
  ['APPROVED', 'markWon', 'WON'],
  ['APPROVED', 'markLost', 'LOST'],
  ['APPROVED', 'expire', 'EXPIRED'],
  ['WON', 'reverse', 'REVERSED'],
];

describe('deal lifecycle', () => {
  it.each(LEGAL)('moves a %s deal on %s to %s', (from, action, to) => {
    expect(nextStatus(from, action)).toBe(to);
  });

  const illegal = DEAL_STATUSES.flatMap((from) =>
    DEAL_ACTIONS.filter((action) => !LEGAL.some(([f, a]) => f === from && a === action)).map((action) => [from, action] as const),
  );

  it('refuses every other transition, 56 of them', () => {
    expect(illegal).toHaveLength(DEAL_STATUSES.length * DEAL_ACTIONS.length - LEGAL.length);
  });

  it.each(illegal)('refuses %s → %s with DEALS.INVALID_TRANSITION naming both states', (from, action) => {
    expect(canTransition(from, action)).toBe(false);
    try {
      nextStatus(from, action);
      expect.unreachable();
    } catch (error) {
      expect(error).toMatchObject({ code: 'DEALS.INVALID_TRANSITION', details: { from } });
      expect((error as Error).message).toContain(from);
      expect((error as { details: { to: string } }).details.to).toMatch(/^[A-Z]+$/);
    }
  });
});
