import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { quarterFacts, TIER_CODES } from '../test/arbitraries';
import { dealFacts, demoRuleSet, everyDemoDealRule, partnerStanding } from '../test/builders';
import { priceQuote } from './quote';

describe('priceQuote (FR-2023)', () => {
  const rules = demoRuleSet('FR-2023');
  const quote = (tierCode: string, type: 'NEW_CUSTOMER' | 'NEW_SOLUTION' | 'RENEWAL' = 'NEW_CUSTOMER', registered = true) =>
    priceQuote(dealFacts({ type, registered, amountMinor: 4_000_000n }), partnerStanding({ tierCode }), rules);
  const discounts = (q: ReturnType<typeof priceQuote>) => q.discounts.map((d) => [d.rule, d.rate, d.amountMinor]);

  it.each([
    ['REGISTERED', [['FRONT_END_DISCOUNT', '15%', 600_000n]], 3_400_000n],
    [
      'SKILL',
      [
        ['FRONT_END_DISCOUNT', '15%', 600_000n],
        ['DEAL_REGISTRATION_DISCOUNT', '10%', 400_000n],
      ],
      3_000_000n,
    ],
    [
      'EXPERT',
      [
        ['FRONT_END_DISCOUNT', '17.5%', 700_000n],
        ['DEAL_REGISTRATION_DISCOUNT', '12.5%', 500_000n],
      ],
      2_800_000n,
    ],
    [
      'ELITE',
      [
        ['FRONT_END_DISCOUNT', '20%', 800_000n],
        ['DEAL_REGISTRATION_DISCOUNT', '15%', 600_000n],
      ],
      2_600_000n,
    ],
  ])("stacks %s partners' discounts on an approved new-customer deal of 40,000.00", (tierCode, expected, netMinor) => {
    const q = quote(tierCode);
    expect(discounts(q)).toEqual(expected);
    expect(q).toMatchObject({ listMinor: 4_000_000n, netMinor, currency: 'EUR' });
  });

  it('gives an unregistered deal the front-end discount alone', () => {
    expect(discounts(quote('ELITE', 'NEW_SOLUTION', false))).toEqual([['FRONT_END_DISCOUNT', '20%', 800_000n]]);
  });

  it.each(['REGISTERED', 'SKILL', 'EXPERT', 'ELITE'])('gives %s partners only the 5 % renewal discount on an approved renewal', (tierCode) => {
    const q = quote(tierCode, 'RENEWAL');
    expect(discounts(q)).toEqual([['FRONT_END_DISCOUNT', '5%', 200_000n]]);
    expect(q.netMinor).toBe(3_800_000n);
  });

  it('quotes the list price when no discount rule applies', () => {
    expect(priceQuote(dealFacts({ amountMinor: 4_000_000n }), partnerStanding({ tierCode: 'GOLD' }), rules)).toEqual({ listMinor: 4_000_000n, discounts: [], netMinor: 4_000_000n, currency: 'EUR' });
    expect(priceQuote(dealFacts({ amountMinor: 4_000_000n }), partnerStanding({}), {})).toMatchObject({ discounts: [], netMinor: 4_000_000n });
  });
});

describe('property: a quote adds up (demo rules)', () => {
  it('net + discounts = list, every discount within the list, net never negative', () => {
    const rules = everyDemoDealRule();
    fc.assert(
      fc.property(quarterFacts, fc.constantFrom(...TIER_CODES), fc.bigInt({ min: 0n, max: 10n ** 13n }), (facts, tierCode, amountMinor) => {
        for (const { deal, standing } of facts) {
          for (const [d, s] of [
            [deal, standing],
            [{ ...deal, amountMinor }, { ...standing, tierCode }],
          ] as const) {
            const q = priceQuote(d, s, rules);
            const off = q.discounts.reduce((sum, line) => sum + line.amountMinor, 0n);
            expect(q.listMinor).toBe(d.amountMinor);
            expect(q.netMinor + off).toBe(q.listMinor);
            expect(q.netMinor >= 0n).toBe(true);
            for (const line of q.discounts) expect(line.amountMinor >= 0n && line.amountMinor <= q.listMinor).toBe(true);
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
