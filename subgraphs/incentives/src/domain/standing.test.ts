import { describe, expect, it } from 'vitest';
import { tierStanding, trailingYear, type StandingInputs, type TierDefinition } from './standing';

// FR-2023 thresholds (seed): Skill 5 certified staff and 200 k€, Expert 10 and 800 k€, Elite 20 and 1.5 M€.
const FR: TierDefinition[] = [
  { code: 'REGISTERED', rank: 1, minRevenueMinor: 0n, minCertifiedStaff: 0, capacity: null },
  { code: 'SKILL', rank: 2, minRevenueMinor: 20_000_000n, minCertifiedStaff: 5, capacity: null },
  { code: 'EXPERT', rank: 3, minRevenueMinor: 80_000_000n, minCertifiedStaff: 10, capacity: null },
  { code: 'ELITE', rank: 4, minRevenueMinor: 150_000_000n, minCertifiedStaff: 20, capacity: null },
];

// CH-2011: Platinum holds at most 5 partners (seed); the thresholds are demo.
const CH: TierDefinition[] = [
  { code: 'BRONZE', rank: 1, minRevenueMinor: 0n, minCertifiedStaff: 0, capacity: null },
  { code: 'SILVER', rank: 2, minRevenueMinor: 5_000_000n, minCertifiedStaff: 2, capacity: null },
  { code: 'GOLD', rank: 3, minRevenueMinor: 20_000_000n, minCertifiedStaff: 5, capacity: null },
  { code: 'PLATINUM', rank: 4, minRevenueMinor: 50_000_000n, minCertifiedStaff: 10, capacity: 5 },
];

const fr = (overrides: Partial<StandingInputs>): StandingInputs => ({
  asOf: '2026-09-30',
  ladder: FR,
  currentTierCode: 'REGISTERED',
  noDowngradeUntil: null,
  newBusinessRevenueMinor: 0n,
  certifiedStaff: 0,
  othersHolding: {},
  ...overrides,
});
const ch = (overrides: Partial<StandingInputs>): StandingInputs => fr({ ladder: CH, currentTierCode: 'GOLD', newBusinessRevenueMinor: 60_000_000n, certifiedStaff: 12, ...overrides });
const codes = (s: ReturnType<typeof tierStanding>) => [s.qualifiedTier.code, s.nextTier?.code ?? null];

describe('tierStanding thresholds', () => {
  it('qualifies for Expert with exactly 800,000.00 and exactly 10 certified staff', () => {
    const standing = tierStanding(fr({ newBusinessRevenueMinor: 80_000_000n, certifiedStaff: 10 }));
    expect(codes(standing)).toEqual(['EXPERT', 'ELITE']);
    expect(standing).toMatchObject({ gapRevenueMinor: 70_000_000n, gapStaff: 10, notes: [] });
  });

  it('stays at Skill one minor unit short of the Expert revenue, with a gap of exactly that unit', () => {
    const standing = tierStanding(fr({ newBusinessRevenueMinor: 79_999_999n, certifiedStaff: 10 }));
    expect(codes(standing)).toEqual(['SKILL', 'EXPERT']);
    expect(standing).toMatchObject({ gapRevenueMinor: 1n, gapStaff: 0 });
  });

  it('stays at Skill one certified person short of Expert, with a gap of one person', () => {
    const standing = tierStanding(fr({ newBusinessRevenueMinor: 80_000_000n, certifiedStaff: 9 }));
    expect(codes(standing)).toEqual(['SKILL', 'EXPERT']);
    expect(standing).toMatchObject({ gapRevenueMinor: 0n, gapStaff: 1 });
  });

  it('needs both thresholds: a large revenue with too few people does not lift the tier', () => {
    expect(codes(tierStanding(fr({ newBusinessRevenueMinor: 900_000_000n, certifiedStaff: 4 })))).toEqual(['REGISTERED', 'SKILL']);
  });

  it('gives the lowest tier to a partner that meets nothing, with the gap to the next', () => {
    const standing = tierStanding(fr({ newBusinessRevenueMinor: 0n, certifiedStaff: 0 }));
    expect(codes(standing)).toEqual(['REGISTERED', 'SKILL']);
    expect(standing).toMatchObject({ gapRevenueMinor: 20_000_000n, gapStaff: 5 });
  });

  it('has no next tier and no gaps at the top tier', () => {
    const standing = tierStanding(fr({ currentTierCode: 'ELITE', newBusinessRevenueMinor: 150_000_000n, certifiedStaff: 20 }));
    expect(standing).toMatchObject({ qualifiedTier: { code: 'ELITE' }, nextTier: null, gapRevenueMinor: null, gapStaff: null });
  });

  it('reads the ladder by rank, whatever order it is given in', () => {
    expect(codes(tierStanding(fr({ ladder: [...FR].reverse(), newBusinessRevenueMinor: 80_000_000n, certifiedStaff: 10 })))).toEqual(['EXPERT', 'ELITE']);
  });

  it('rejects an empty ladder', () => {
    expect(() => tierStanding(fr({ ladder: [] }))).toThrow(/at least one tier/);
  });
});

describe('tierStanding capacity (CH-2011 Platinum: at most 5 partners)', () => {
  it('admits a qualifying partner while Platinum has room', () => {
    expect(codes(tierStanding(ch({ othersHolding: { PLATINUM: 4 } })))).toEqual(['PLATINUM', null]);
  });

  it('skips a full Platinum for a newcomer: it qualifies for Gold, with a note', () => {
    const standing = tierStanding(ch({ othersHolding: { PLATINUM: 5 } }));
    expect(codes(standing)).toEqual(['GOLD', 'PLATINUM']);
    expect(standing.notes).toEqual(['PLATINUM is full (5 partners)']);
    expect(standing).toMatchObject({ gapRevenueMinor: 0n, gapStaff: 0 });
  });

  it('keeps a partner that already holds Platinum in its seat when the tier is full', () => {
    const standing = tierStanding(ch({ currentTierCode: 'PLATINUM', othersHolding: { PLATINUM: 5 } }));
    expect(codes(standing)).toEqual(['PLATINUM', null]);
    expect(standing.notes).toEqual([]);
  });

  it('does not keep a Platinum seat the partner no longer earns', () => {
    expect(codes(tierStanding(ch({ currentTierCode: 'PLATINUM', newBusinessRevenueMinor: 49_999_999n, othersHolding: { PLATINUM: 5 } })))).toEqual(['GOLD', 'PLATINUM']);
  });

  it('does not mention a full tier the partner does not qualify for', () => {
    expect(tierStanding(ch({ newBusinessRevenueMinor: 20_000_000n, certifiedStaff: 5, othersHolding: { PLATINUM: 5 } })).notes).toEqual([]);
  });
});

describe('tierStanding grace (FR-2023: no downgrade until 2024-12-31)', () => {
  const expertWithSkillNumbers = (asOf: string) =>
    tierStanding(fr({ asOf, currentTierCode: 'EXPERT', noDowngradeUntil: '2024-12-31', newBusinessRevenueMinor: 30_000_000n, certifiedStaff: 6 }));

  it('keeps an Expert partner with only Skill numbers at Expert on 2024-12-31, with a note', () => {
    const standing = expertWithSkillNumbers('2024-12-31');
    expect(codes(standing)).toEqual(['EXPERT', 'ELITE']);
    expect(standing.notes).toEqual(['no downgrade from EXPERT before 2024-12-31']);
    expect(standing).toMatchObject({ gapRevenueMinor: 120_000_000n, gapStaff: 14 });
  });

  it('downgrades it to Skill on 2025-01-01', () => {
    const standing = expertWithSkillNumbers('2025-01-01');
    expect(codes(standing)).toEqual(['SKILL', 'EXPERT']);
    expect(standing.notes).toEqual([]);
    expect(standing).toMatchObject({ gapRevenueMinor: 50_000_000n, gapStaff: 4 });
  });

  it('downgrades at once without a grace date', () => {
    expect(codes(tierStanding(fr({ asOf: '2024-06-30', currentTierCode: 'EXPERT', newBusinessRevenueMinor: 30_000_000n, certifiedStaff: 6 })))).toEqual(['SKILL', 'EXPERT']);
  });

  it('does not hold back an upgrade during the grace period', () => {
    expect(codes(tierStanding(fr({ asOf: '2024-06-30', currentTierCode: 'SKILL', noDowngradeUntil: '2024-12-31', newBusinessRevenueMinor: 150_000_000n, certifiedStaff: 20 })))).toEqual(['ELITE', null]);
  });

  it('keeps a full capped tier held during grace even when the numbers fall short', () => {
    const standing = tierStanding(ch({ asOf: '2024-12-31', currentTierCode: 'PLATINUM', noDowngradeUntil: '2024-12-31', newBusinessRevenueMinor: 1n, othersHolding: { PLATINUM: 5 } }));
    expect(codes(standing)).toEqual(['PLATINUM', null]);
  });
});

describe('trailingYear', () => {
  it('runs from after the same day a year earlier through the evaluation date', () => {
    expect(trailingYear('2026-09-30')).toEqual({ after: '2025-09-30', through: '2026-09-30' });
  });

  it('starts after 2023-02-28 for an evaluation on the leap day 2024-02-29', () => {
    expect(trailingYear('2024-02-29')).toEqual({ after: '2023-02-28', through: '2024-02-29' });
  });

  it('crosses a year end', () => {
    expect(trailingYear('2025-01-15')).toEqual({ after: '2024-01-15', through: '2025-01-15' });
  });
});
