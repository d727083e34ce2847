import { InvalidInputError } from '@hub/domain';

/** One step of an all-units volume schedule: from this many seats, every seat costs `unitPriceMinor`. */
export interface PriceTier {
  fromSeats: number;
  unitPriceMinor: bigint;
}

export interface UsageSeats {
  sku: string;
  seats: number;
}

export interface RatedSkuLine {
  sku: string;
  /** The provider's total seats of the SKU in the month, over all its customers. */
  seats: number;
  /** The tier those seats reached. */
  tierFromSeats: number;
  unitPriceMinor: bigint;
  amountMinor: bigint;
}

export interface RatedMonth {
  lines: RatedSkuLine[];
  totalMinor: bigint;
}

/** A schedule must start at one seat and climb strictly; anything else is a configuration error. */
export function checkSchedule(sku: string, tiers: readonly PriceTier[]): void {
  if (tiers.length === 0) throw new Error(`usage SKU ${sku} has no price tiers`);
  if (tiers[0]!.fromSeats !== 1) throw new Error(`usage SKU ${sku}: the first price tier must start at 1 seat, not ${tiers[0]!.fromSeats}`);
  for (let i = 1; i < tiers.length; i += 1) {
    if (tiers[i]!.fromSeats <= tiers[i - 1]!.fromSeats) throw new Error(`usage SKU ${sku}: price tiers must climb strictly`);
  }
  for (const tier of tiers) {
    if (tier.unitPriceMinor < 0n) throw new Error(`usage SKU ${sku}: a unit price cannot be negative`);
  }
}

/**
 * All-units pricing: the total selects one tier, and that tier's price applies to every seat.
 * `tiers` are ascending by `fromSeats` and start at 1.
 */
export function tierFor(tiers: readonly PriceTier[], seats: number): PriceTier {
  let chosen = tiers[0]!;
  for (const tier of tiers) {
    if (tier.fromSeats > seats) break;
    chosen = tier;
  }
  return chosen;
}

/**
 * Rates a provider's month: seats are summed per SKU over all customers, each SKU's total picks
 * one unit price, and each line is seats × that price, exact in minor units. SKUs with no seats
 * are left out; lines come in SKU order so the same usage always gives the same statement.
 */
export function rateUsage(usage: Iterable<UsageSeats>, scheduleFor: (sku: string) => readonly PriceTier[] | undefined): RatedMonth {
  const totals = new Map<string, number>();
  for (const { sku, seats } of usage) totals.set(sku, (totals.get(sku) ?? 0) + seats);
  const lines: RatedSkuLine[] = [];
  let totalMinor = 0n;
  for (const sku of [...totals.keys()].sort()) {
    const seats = totals.get(sku)!;
    if (seats === 0) continue;
    const tiers = scheduleFor(sku);
    if (!tiers) throw new Error(`usage SKU ${sku} has no price in this currency for the month`);
    const tier = tierFor(tiers, seats);
    const amountMinor = tier.unitPriceMinor * BigInt(seats);
    lines.push({ sku, seats, tierFromSeats: tier.fromSeats, unitPriceMinor: tier.unitPriceMinor, amountMinor });
    totalMinor += amountMinor;
  }
  return { lines, totalMinor };
}

export const MAX_SEATS_PER_LINE = 1_000_000;

/** Whole, non-negative seats; the field names the report line. */
export function checkSeats(field: string, seats: number): number {
  if (!Number.isInteger(seats) || seats < 0) throw new InvalidInputError(field, `must be a whole number of seats, 0 or more, got ${seats}`);
  if (seats > MAX_SEATS_PER_LINE) throw new InvalidInputError(field, `must be at most ${MAX_SEATS_PER_LINE} seats`);
  return seats;
}
