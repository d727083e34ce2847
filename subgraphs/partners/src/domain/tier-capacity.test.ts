import { describe, expect, it } from 'vitest';
import { assertTierHasRoom } from './tier-capacity';
import type { TierAssignmentFact } from './tier-history';

const platinum = { code: 'PLATINUM', name: 'Platinum', capacity: 5 };
let sequence = 0;
const assign = (partnerId: string, tierCode: string, effectiveFrom: string): TierAssignmentFact => ({
  partnerId,
  tierCode,
  effectiveFrom,
  sequence: (sequence += 1),
});

describe('assertTierHasRoom (CH Platinum: at most 5 partners)', () => {
  const fourHolders = ['a', 'b', 'c', 'd'].map((p) => assign(p, 'PLATINUM', '2024-01-01'));

  it('admits the fifth partner', () => {
    expect(() => assertTierHasRoom(platinum, fourHolders, assign('e', 'PLATINUM', '2024-06-01'))).not.toThrow();
  });

  it('refuses the sixth partner with PARTNERS.TIER_FULL', () => {
    const five = [...fourHolders, assign('e', 'PLATINUM', '2024-01-01')];
    expect(() => assertTierHasRoom(platinum, five, assign('f', 'PLATINUM', '2024-06-01'))).toThrow(
      expect.objectContaining({ code: 'PARTNERS.TIER_FULL' }),
    );
  });

  it('admits a sixth partner from the day a holder leaves the tier, not the day before', () => {
    const five = [...fourHolders, assign('e', 'PLATINUM', '2024-01-01'), assign('a', 'GOLD', '2024-07-01')];
    expect(() => assertTierHasRoom(platinum, five, assign('f', 'PLATINUM', '2024-07-01'))).not.toThrow();
    expect(() => assertTierHasRoom(platinum, five, assign('f', 'PLATINUM', '2024-06-30'))).toThrow(/Platinum is full/);
  });

  it('refuses a grant that would overfill the tier when a later assignment takes effect', () => {
    const future = [...fourHolders, assign('e', 'PLATINUM', '2024-09-01')];
    expect(() => assertTierHasRoom(platinum, future, assign('f', 'PLATINUM', '2024-06-01'))).toThrow(/on 2024-09-01/);
  });

  it('lets a holder be re-assigned to the tier it already holds', () => {
    const five = [...fourHolders, assign('e', 'PLATINUM', '2024-01-01')];
    expect(() => assertTierHasRoom(platinum, five, assign('e', 'PLATINUM', '2024-06-01'))).not.toThrow();
  });

  it('never limits a tier without a capacity', () => {
    expect(() => assertTierHasRoom({ ...platinum, capacity: null }, fourHolders, assign('z', 'PLATINUM', '2024-01-01'))).not.toThrow();
  });
});
