import { describe, expect, it } from 'vitest';
import { MAX_SEATS_PER_LINE, checkSchedule, checkSeats, rateUsage, tierFor, type PriceTier, type UsageSeats } from './usage-rating';

/** The demo volume tiers (100 %, 90 %, 80 %, 70 %) on a list price of 2.50 per seat-month. */
const ENDPOINT: PriceTier[] = [
  { fromSeats: 1, unitPriceMinor: 250n },
  { fromSeats: 100, unitPriceMinor: 225n },
  { fromSeats: 500, unitPriceMinor: 200n },
  { fromSeats: 1000, unitPriceMinor: 175n },
];
const CONTAINER: PriceTier[] = [
  { fromSeats: 1, unitPriceMinor: 610n },
  { fromSeats: 100, unitPriceMinor: 549n },
  { fromSeats: 500, unitPriceMinor: 488n },
  { fromSeats: 1000, unitPriceMinor: 427n },
];
const XDR: PriceTier[] = [
  { fromSeats: 1, unitPriceMinor: 700n },
  { fromSeats: 100, unitPriceMinor: 630n },
  { fromSeats: 500, unitPriceMinor: 560n },
  { fromSeats: 1000, unitPriceMinor: 490n },
];
const SCHEDULES: Record<string, PriceTier[]> = { 'ENDPOINT-STD-U': ENDPOINT, 'CONTAINER-STD-U': CONTAINER, 'XDR-STD-U': XDR, 'EMAIL-STD-U': ENDPOINT };
const scheduleFor = (sku: string) => SCHEDULES[sku];

function rateOne(seats: number) {
  return rateUsage([{ sku: 'ENDPOINT-STD-U', seats }], scheduleFor);
}

describe('all-units tiers', () => {
  it.each([
    [1, 1, 250n, 250n],
    [99, 1, 250n, 24_750n],
    [100, 100, 225n, 22_500n],
    [499, 100, 225n, 112_275n],
    [500, 500, 200n, 100_000n],
    [999, 500, 200n, 199_800n],
    [1000, 1000, 175n, 175_000n],
    [1_000_000, 1000, 175n, 175_000_000n],
  ])('prices %i seats from the tier at %i: every seat at %i, %i in total', (seats, fromSeats, unitPriceMinor, amountMinor) => {
    expect(tierFor(ENDPOINT, seats)).toEqual({ fromSeats, unitPriceMinor });
    expect(rateOne(seats)).toEqual({
      lines: [{ sku: 'ENDPOINT-STD-U', seats, tierFromSeats: fromSeats, unitPriceMinor, amountMinor }],
      totalMinor: amountMinor,
    });
  });

  it('charges 100 seats less in total than 99 seats, because the discount applies to every seat', () => {
    expect(rateOne(100).totalMinor).toBe(22_500n);
    expect(rateOne(99).totalMinor).toBe(24_750n);
    expect(rateOne(100).totalMinor).toBeLessThan(rateOne(99).totalMinor);
    expect(rateOne(500).totalMinor).toBeLessThan(rateOne(499).totalMinor);
    expect(rateOne(1000).totalMinor).toBeLessThan(rateOne(999).totalMinor);
  });
});

describe('rateUsage', () => {
  it('sums seats over customers per SKU before choosing the tier: 60 + 40 seats reach the 100-seat tier', () => {
    const rated = rateUsage(
      [
        { sku: 'ENDPOINT-STD-U', seats: 60 },
        { sku: 'ENDPOINT-STD-U', seats: 40 },
      ],
      scheduleFor,
    );
    expect(rated.lines).toEqual([{ sku: 'ENDPOINT-STD-U', seats: 100, tierFromSeats: 100, unitPriceMinor: 225n, amountMinor: 22_500n }]);
    expect(rated.totalMinor).toBe(22_500n);
  });

  it('leaves out SKUs with no seats, lists the rest in SKU order and totals them exactly', () => {
    const usage: UsageSeats[] = [
      { sku: 'XDR-STD-U', seats: 3 },
      { sku: 'EMAIL-STD-U', seats: 0 },
      { sku: 'ENDPOINT-STD-U', seats: 60 },
      { sku: 'CONTAINER-STD-U', seats: 520 },
      { sku: 'EMAIL-STD-U', seats: 0 },
      { sku: 'ENDPOINT-STD-U', seats: 40 },
    ];
    const rated = rateUsage(usage, scheduleFor);
    expect(rated.lines).toEqual([
      { sku: 'CONTAINER-STD-U', seats: 520, tierFromSeats: 500, unitPriceMinor: 488n, amountMinor: 253_760n },
      { sku: 'ENDPOINT-STD-U', seats: 100, tierFromSeats: 100, unitPriceMinor: 225n, amountMinor: 22_500n },
      { sku: 'XDR-STD-U', seats: 3, tierFromSeats: 1, unitPriceMinor: 700n, amountMinor: 2_100n },
    ]);
    expect(rated.totalMinor).toBe(278_360n);
    expect(rated.totalMinor).toBe(rated.lines.reduce((sum, line) => sum + line.amountMinor, 0n));
  });

  it('gives the same statement whatever order the usage comes in', () => {
    const usage: UsageSeats[] = [
      { sku: 'XDR-STD-U', seats: 3 },
      { sku: 'ENDPOINT-STD-U', seats: 60 },
      { sku: 'CONTAINER-STD-U', seats: 520 },
      { sku: 'ENDPOINT-STD-U', seats: 40 },
    ];
    expect(rateUsage([...usage].reverse(), scheduleFor)).toEqual(rateUsage(usage, scheduleFor));
  });

  it('rates an empty month to no lines and a zero total', () => {
    expect(rateUsage([], scheduleFor)).toEqual({ lines: [], totalMinor: 0n });
  });

  it('stays exact beyond 2^53 minor units', () => {
    const unitPriceMinor = 2n ** 53n + 1n;
    const rated = rateUsage([{ sku: 'BIG-U', seats: 3 }], () => [{ fromSeats: 1, unitPriceMinor }]);
    expect(rated.totalMinor).toBe(27_021_597_764_222_979n);
  });

  it('throws when a SKU with seats has no schedule in the currency', () => {
    expect(() => rateUsage([{ sku: 'UNPRICED-U', seats: 1 }], scheduleFor)).toThrow(/UNPRICED-U/);
  });
});

describe('checkSchedule', () => {
  it('accepts a schedule that starts at 1 seat and climbs', () => {
    expect(() => checkSchedule('ENDPOINT-STD-U', ENDPOINT)).not.toThrow();
    expect(() => checkSchedule('FREE-U', [{ fromSeats: 1, unitPriceMinor: 0n }])).not.toThrow();
  });

  it.each([
    ['no tiers', []],
    ['a first tier at 0 seats', [{ fromSeats: 0, unitPriceMinor: 250n }]],
    ['a first tier at 2 seats', [{ fromSeats: 2, unitPriceMinor: 250n }]],
    [
      'two tiers at the same seats',
      [
        { fromSeats: 1, unitPriceMinor: 250n },
        { fromSeats: 100, unitPriceMinor: 225n },
        { fromSeats: 100, unitPriceMinor: 200n },
      ],
    ],
    [
      'tiers out of order',
      [
        { fromSeats: 1, unitPriceMinor: 250n },
        { fromSeats: 500, unitPriceMinor: 200n },
        { fromSeats: 100, unitPriceMinor: 225n },
      ],
    ],
    [
      'a negative unit price',
      [
        { fromSeats: 1, unitPriceMinor: 250n },
        { fromSeats: 100, unitPriceMinor: -1n },
      ],
    ],
  ])('rejects %s, naming the SKU', (_, tiers) => {
    expect(() => checkSchedule('ENDPOINT-STD-U', tiers)).toThrow(/ENDPOINT-STD-U/);
  });
});

describe('checkSeats', () => {
  it.each([0, 1, 250, MAX_SEATS_PER_LINE])('accepts %i seats', (seats) => {
    expect(checkSeats('lines[0].seats', seats)).toBe(seats);
  });

  it.each([-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, MAX_SEATS_PER_LINE + 1])('rejects %s seats as BAD_USER_INPUT naming the field', (seats) => {
    expect(() => checkSeats('lines[2].seats', seats)).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'lines[2].seats' }));
  });
});
