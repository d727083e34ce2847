import { addMonths, type IsoDate } from '@hub/domain';

export interface TierDefinition {
  code: string;
  /** 1 for the lowest tier of the ladder. */
  rank: number;
  minRevenueMinor: bigint;
  minCertifiedStaff: number;
  /** At most this many partners may hold the tier; null for no limit. */
  capacity: number | null;
}

export interface StandingInputs {
  asOf: IsoDate;
  ladder: readonly TierDefinition[];
  currentTierCode: string;
  /** No downgrade on or before this date (FR-2023: 2024-12-31). */
  noDowngradeUntil: IsoDate | null;
  newBusinessRevenueMinor: bigint;
  certifiedStaff: number;
  /** How many other partners hold each capped tier. */
  othersHolding: Readonly<Record<string, number>>;
}

export interface TierStanding {
  qualifiedTier: TierDefinition;
  nextTier: TierDefinition | null;
  gapRevenueMinor: bigint | null;
  gapStaff: number | null;
  /** Why the qualified tier is not simply the highest whose thresholds are met. */
  notes: string[];
}

/** The trailing 12 months ending on `asOf`: deals closed after the first date and on or before the second. */
export function trailingYear(asOf: IsoDate): { after: IsoDate; through: IsoDate } {
  return { after: addMonths(asOf, -12), through: asOf };
}

/**
 * The tier the partner's numbers earn: the highest tier whose revenue and certified-staff
 * thresholds it meets and that has room (a partner already holding a capped tier keeps its
 * seat). Before the grace date it never falls below the tier it holds. The next tier is the
 * one above, with what is missing to reach it.
 */
export function tierStanding(inputs: StandingInputs): TierStanding {
  const ladder = [...inputs.ladder].sort((a, b) => a.rank - b.rank);
  if (ladder.length === 0) throw new Error('a program needs at least one tier');
  const current = ladder.find((tier) => tier.code === inputs.currentTierCode);
  const notes: string[] = [];
  let qualified = ladder[0]!;
  for (const tier of ladder) {
    const meets = inputs.newBusinessRevenueMinor >= tier.minRevenueMinor && inputs.certifiedStaff >= tier.minCertifiedStaff;
    if (!meets) continue;
    const full = tier.capacity !== null && tier.code !== inputs.currentTierCode && (inputs.othersHolding[tier.code] ?? 0) >= tier.capacity;
    if (full) {
      notes.push(`${tier.code} is full (${tier.capacity} partners)`);
      continue;
    }
    qualified = tier;
  }
  if (current && qualified.rank < current.rank && inputs.noDowngradeUntil !== null && inputs.asOf <= inputs.noDowngradeUntil) {
    notes.push(`no downgrade from ${current.code} before ${inputs.noDowngradeUntil}`);
    qualified = current;
  }
  const nextTier = ladder.find((tier) => tier.rank > qualified.rank) ?? null;
  return {
    qualifiedTier: qualified,
    nextTier,
    gapRevenueMinor: nextTier && maxBig(0n, nextTier.minRevenueMinor - inputs.newBusinessRevenueMinor),
    gapStaff: nextTier && Math.max(0, nextTier.minCertifiedStaff - inputs.certifiedStaff),
    notes,
  };
}

function maxBig(a: bigint, b: bigint): bigint {
  return a > b ? a : b;
}
