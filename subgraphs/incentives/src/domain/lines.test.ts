import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseRate } from '@hub/domain';
import { quarterFacts, randomDealRuleSet, randomVolumeRebate, rateText } from '../test/arbitraries';
import { dealFacts, demoRule, everyDemoDealRule, partnerStanding } from '../test/builders';
import { backEndRebate, dealRegistrationDiscount, distributorIncentive, frontEndDiscount, instantBonus, referralFee, segmentFlatRebate } from './rule-kinds';
import type { DealFacts } from './facts';
import { addRates, rated, type IncentiveLine } from './lines';
import { dealPayouts, priceQuote } from './quote';
import type { RuleVersion } from './rules';
import { volumeRebate } from './rule-kinds';

/**
 * The reference for every amount, written apart from `applyRate`: read the percentage text,
 * divide with remainder, and round up when the remainder is at least half the divisor.
 */
function halfUpOfPercent(baseMinor: bigint, percentText: string): bigint {
  const match = /^(\d+)(?:\.(\d+))?%$/.exec(percentText);
  if (!match) throw new Error(`not a percentage: ${percentText}`);
  const decimals = match[2] ?? '';
  const numerator = BigInt(`${match[1]}${decimals}`);
  const denominator = 100n * 10n ** BigInt(decimals.length);
  const product = baseMinor * numerator;
  const sign = product < 0n ? -1n : 1n;
  const magnitude = product * sign;
  const quotient = magnitude / denominator;
  const remainder = magnitude % denominator;
  return sign * (2n * remainder >= denominator ? quotient + 1n : quotient);
}

const sameRate = (a: string, b: string) => {
  const x = parseRate(a);
  const y = parseRate(b);
  return x.numerator * y.denominator === y.numerator * x.denominator;
};

describe('rated', () => {
  it('rounds the brief cases half up to the cent', () => {
    expect(rated(3n, '17.5%')).toMatchObject({ text: '17.5%', amountMinor: 1n }); // 0.00525 EUR → 0.01
    expect(rated(10n, '7.5%')).toMatchObject({ text: '7.5%', amountMinor: 1n }); // 0.0075 → 0.01
    expect(rated(20n, '2.5%')).toMatchObject({ text: '2.5%', amountMinor: 1n }); // 0.005 exactly → 0.01
    expect(rated(19n, '2.5%').amountMinor).toBe(0n); // 0.00475 → 0.00
  });

  it('rounds a negative base half away from zero, the mirror of the positive one', () => {
    expect(rated(-20n, '2.5%').amountMinor).toBe(-1n);
    expect(rated(-19n, '2.5%').amountMinor).toBe(0n);
  });

  it('normalises the rate text', () => {
    expect(rated(100n, '17.500%').text).toBe('17.5%');
    expect(rated(100n, '0.05').text).toBe('5%');
  });

  it('keeps the rate value in its text, for any rate', () => {
    fc.assert(fc.property(rateText, (rate) => sameRate(rated(1n, rate).text, rate)));
  });
});

describe('addRates', () => {
  it('adds exactly', () => {
    expect(addRates('2%', '2%')).toBe('4%');
    expect(addRates('1.25%', '1.25%')).toBe('2.5%');
    expect(addRates('0.1%', '0.2%')).toBe('0.3%');
  });

  it('is exact for any two rates', () => {
    fc.assert(
      fc.property(rateText, rateText, (a, b) => {
        const sum = parseRate(addRates(a, b));
        const x = parseRate(a);
        const y = parseRate(b);
        return sum.numerator * x.denominator * y.denominator === (x.numerator * y.denominator + y.numerator * x.denominator) * sum.denominator;
      }),
    );
  });
});

describe('rounding half up to the minor unit, on every kind of line', () => {
  const rules = everyDemoDealRule();
  const volume = demoRule('AU-2014', 'VOLUME_REBATE');
  const onBase = (overrides: Partial<DealFacts>) => (baseMinor: bigint) => dealFacts({ amountMinor: baseMinor, ...overrides });
  const newBusiness = onBase({});
  const smbEnterpriseDeal = onBase({ seats: 501, segment: 'ENTERPRISE' });
  const backEndAt2Point5: RuleVersion<'BACK_END_REBATE'> = { ...rules.BACK_END_REBATE!, parameters: { ...rules.BACK_END_REBATE!.parameters, baseRate: '1.25%', specializationUplift: '1.25%' } };
  const specialized = partnerStanding({ specializations: ['NETWORK_SECURITY'] });
  const premier = partnerStanding({ tierCode: 'PREMIER' });

  type Case = { label: string; line: (baseMinor: bigint) => IncentiveLine | null; baseMinor: bigint; expectedMinor: bigint };
  const cases: Case[] = [
    // 17.5 % = 7/40: the fractions step by 0.025 of a unit.
    { label: 'front-end 17.5 % of 0.37 = 0.06475 → 0.06', line: (b) => frontEndDiscount(newBusiness(b), partnerStanding({ tierCode: 'EXPERT' }), rules.FRONT_END_DISCOUNT!), baseMinor: 37n, expectedMinor: 6n },
    { label: 'front-end 17.5 % of 0.20 = 0.035 → 0.04', line: (b) => frontEndDiscount(newBusiness(b), partnerStanding({ tierCode: 'EXPERT' }), rules.FRONT_END_DISCOUNT!), baseMinor: 20n, expectedMinor: 4n },
    { label: 'front-end 17.5 % of 0.03 = 0.00525 → 0.01', line: (b) => frontEndDiscount(newBusiness(b), partnerStanding({ tierCode: 'EXPERT' }), rules.FRONT_END_DISCOUNT!), baseMinor: 3n, expectedMinor: 1n },
    { label: 'front-end 15 % of 0.03 = 0.0045 → 0.00', line: (b) => frontEndDiscount(newBusiness(b), partnerStanding({ tierCode: 'SKILL' }), rules.FRONT_END_DISCOUNT!), baseMinor: 3n, expectedMinor: 0n },
    { label: 'front-end 15 % of 0.10 = 0.015 → 0.02', line: (b) => frontEndDiscount(newBusiness(b), partnerStanding({ tierCode: 'SKILL' }), rules.FRONT_END_DISCOUNT!), baseMinor: 10n, expectedMinor: 2n },
    { label: 'front-end 15 % of 0.17 = 0.0255 → 0.03', line: (b) => frontEndDiscount(newBusiness(b), partnerStanding({ tierCode: 'REGISTERED' }), rules.FRONT_END_DISCOUNT!), baseMinor: 17n, expectedMinor: 3n },
    { label: 'front-end 20 % of 0.02 = 0.004 → 0.00', line: (b) => frontEndDiscount(newBusiness(b), partnerStanding({ tierCode: 'ELITE' }), rules.FRONT_END_DISCOUNT!), baseMinor: 2n, expectedMinor: 0n },
    { label: 'front-end 20 % of 0.03 = 0.006 → 0.01', line: (b) => frontEndDiscount(newBusiness(b), partnerStanding({ tierCode: 'ELITE' }), rules.FRONT_END_DISCOUNT!), baseMinor: 3n, expectedMinor: 1n },
    { label: 'renewal 5 % of 0.09 = 0.0045 → 0.00', line: (b) => frontEndDiscount(dealFacts({ type: 'RENEWAL', amountMinor: b }), partnerStanding({}), rules.FRONT_END_DISCOUNT!), baseMinor: 9n, expectedMinor: 0n },
    { label: 'renewal 5 % of 0.10 = 0.005 → 0.01', line: (b) => frontEndDiscount(dealFacts({ type: 'RENEWAL', amountMinor: b }), partnerStanding({}), rules.FRONT_END_DISCOUNT!), baseMinor: 10n, expectedMinor: 1n },
    { label: 'renewal 5 % of 0.11 = 0.0055 → 0.01', line: (b) => frontEndDiscount(dealFacts({ type: 'RENEWAL', amountMinor: b }), partnerStanding({}), rules.FRONT_END_DISCOUNT!), baseMinor: 11n, expectedMinor: 1n },
    { label: 'registration 10 % of 0.04 = 0.004 → 0.00', line: (b) => dealRegistrationDiscount(newBusiness(b), partnerStanding({ tierCode: 'SKILL' }), rules.DEAL_REGISTRATION_DISCOUNT!), baseMinor: 4n, expectedMinor: 0n },
    { label: 'registration 10 % of 0.05 = 0.005 → 0.01', line: (b) => dealRegistrationDiscount(newBusiness(b), partnerStanding({ tierCode: 'SKILL' }), rules.DEAL_REGISTRATION_DISCOUNT!), baseMinor: 5n, expectedMinor: 1n },
    { label: 'registration 10 % of 0.06 = 0.006 → 0.01', line: (b) => dealRegistrationDiscount(newBusiness(b), partnerStanding({ tierCode: 'SKILL' }), rules.DEAL_REGISTRATION_DISCOUNT!), baseMinor: 6n, expectedMinor: 1n },
    { label: 'registration 12.5 % of 0.03 = 0.00375 → 0.00', line: (b) => dealRegistrationDiscount(newBusiness(b), partnerStanding({ tierCode: 'EXPERT' }), rules.DEAL_REGISTRATION_DISCOUNT!), baseMinor: 3n, expectedMinor: 0n },
    { label: 'registration 12.5 % of 0.04 = 0.005 → 0.01', line: (b) => dealRegistrationDiscount(newBusiness(b), partnerStanding({ tierCode: 'EXPERT' }), rules.DEAL_REGISTRATION_DISCOUNT!), baseMinor: 4n, expectedMinor: 1n },
    { label: 'registration 12.5 % of 0.12 = 0.015 → 0.02', line: (b) => dealRegistrationDiscount(newBusiness(b), partnerStanding({ tierCode: 'EXPERT' }), rules.DEAL_REGISTRATION_DISCOUNT!), baseMinor: 12n, expectedMinor: 2n },
    { label: 'registration 15 % of 0.10 = 0.015 → 0.02', line: (b) => dealRegistrationDiscount(newBusiness(b), partnerStanding({ tierCode: 'ELITE' }), rules.DEAL_REGISTRATION_DISCOUNT!), baseMinor: 10n, expectedMinor: 2n },
    { label: 'back-end 2 % of 0.24 = 0.0048 → 0.00', line: (b) => backEndRebate(newBusiness(b), partnerStanding({}), rules.BACK_END_REBATE!), baseMinor: 24n, expectedMinor: 0n },
    { label: 'back-end 2 % of 0.25 = 0.005 → 0.01', line: (b) => backEndRebate(newBusiness(b), partnerStanding({}), rules.BACK_END_REBATE!), baseMinor: 25n, expectedMinor: 1n },
    { label: 'back-end 2 % of 0.26 = 0.0052 → 0.01', line: (b) => backEndRebate(newBusiness(b), partnerStanding({}), rules.BACK_END_REBATE!), baseMinor: 26n, expectedMinor: 1n },
    { label: 'back-end 2 % of 0.75 = 0.015 → 0.02', line: (b) => backEndRebate(newBusiness(b), partnerStanding({}), rules.BACK_END_REBATE!), baseMinor: 75n, expectedMinor: 2n },
    { label: 'back-end 4 % of 0.12 = 0.0048 → 0.00', line: (b) => backEndRebate(newBusiness(b), specialized, rules.BACK_END_REBATE!), baseMinor: 12n, expectedMinor: 0n },
    { label: 'back-end 4 % of 0.13 = 0.0052 → 0.01', line: (b) => backEndRebate(newBusiness(b), specialized, rules.BACK_END_REBATE!), baseMinor: 13n, expectedMinor: 1n },
    { label: 'back-end 1.25 % + 1.25 % of 0.19 = 0.00475 → 0.00', line: (b) => backEndRebate(newBusiness(b), specialized, backEndAt2Point5), baseMinor: 19n, expectedMinor: 0n },
    { label: 'back-end 1.25 % + 1.25 % of 0.20 = 0.005 → 0.01', line: (b) => backEndRebate(newBusiness(b), specialized, backEndAt2Point5), baseMinor: 20n, expectedMinor: 1n },
    { label: 'back-end 1.25 % + 1.25 % of 0.21 = 0.00525 → 0.01', line: (b) => backEndRebate(newBusiness(b), specialized, backEndAt2Point5), baseMinor: 21n, expectedMinor: 1n },
    { label: 'back-end 1.25 % of 0.60 = 0.0075 → 0.01', line: (b) => backEndRebate(newBusiness(b), partnerStanding({}), backEndAt2Point5), baseMinor: 60n, expectedMinor: 1n },
    { label: 'referral 5 % of 0.09 = 0.0045 → 0.00', line: (b) => referralFee(dealFacts({ seats: 250, referringPartnerId: 'r', amountMinor: b }), rules.REFERRAL_FEE!), baseMinor: 9n, expectedMinor: 0n },
    { label: 'referral 5 % of 0.10 = 0.005 → 0.01', line: (b) => referralFee(dealFacts({ seats: 250, referringPartnerId: 'r', amountMinor: b }), rules.REFERRAL_FEE!), baseMinor: 10n, expectedMinor: 1n },
    { label: 'referral 10 % of 0.04 = 0.004 → 0.00', line: (b) => referralFee(dealFacts({ seats: 501, referringPartnerId: 'r', amountMinor: b }), rules.REFERRAL_FEE!), baseMinor: 4n, expectedMinor: 0n },
    { label: 'referral 10 % of 0.05 = 0.005 → 0.01', line: (b) => referralFee(dealFacts({ seats: 501, referringPartnerId: 'r', amountMinor: b }), rules.REFERRAL_FEE!), baseMinor: 5n, expectedMinor: 1n },
    { label: 'segment flat 3 % of 0.16 = 0.0048 → 0.00', line: (b) => segmentFlatRebate(smbEnterpriseDeal(b), partnerStanding({}), rules.SEGMENT_FLAT_REBATE!), baseMinor: 16n, expectedMinor: 0n },
    { label: 'segment flat 3 % of 0.17 = 0.0051 → 0.01', line: (b) => segmentFlatRebate(smbEnterpriseDeal(b), partnerStanding({}), rules.SEGMENT_FLAT_REBATE!), baseMinor: 17n, expectedMinor: 1n },
    { label: 'segment flat 3 % of 0.50 = 0.015 → 0.02', line: (b) => segmentFlatRebate(smbEnterpriseDeal(b), partnerStanding({}), rules.SEGMENT_FLAT_REBATE!), baseMinor: 50n, expectedMinor: 2n },
    { label: 'segment flat 3 % of 0.83 = 0.0249 → 0.02', line: (b) => segmentFlatRebate(smbEnterpriseDeal(b), partnerStanding({}), rules.SEGMENT_FLAT_REBATE!), baseMinor: 83n, expectedMinor: 2n },
    { label: 'instant bonus 3 % of 0.16 = 0.0048 → 0.00', line: (b) => instantBonus(dealFacts({ productLine: 'HYBRID_CLOUD', amountMinor: b }), rules.INSTANT_BONUS!), baseMinor: 16n, expectedMinor: 0n },
    { label: 'instant bonus 3 % of 0.50 = 0.015 → 0.02', line: (b) => instantBonus(dealFacts({ productLine: 'HYBRID_CLOUD', amountMinor: b }), rules.INSTANT_BONUS!), baseMinor: 50n, expectedMinor: 2n },
    { label: 'instant bonus 3 % of 0.83 = 0.0249 → 0.02', line: (b) => instantBonus(dealFacts({ productLine: 'VIRTUALIZATION', amountMinor: b }), rules.INSTANT_BONUS!), baseMinor: 83n, expectedMinor: 2n },
    { label: 'distributor 1 % of 0.49 = 0.0049 → 0.00', line: (b) => distributorIncentive(dealFacts({ distributorId: 'x', amountMinor: b }), partnerStanding({ tierCode: 'SILVER' }), rules.DISTRIBUTOR_INCENTIVE!), baseMinor: 49n, expectedMinor: 0n },
    { label: 'distributor 1 % of 0.50 = 0.005 → 0.01', line: (b) => distributorIncentive(dealFacts({ distributorId: 'x', amountMinor: b }), partnerStanding({ tierCode: 'SILVER' }), rules.DISTRIBUTOR_INCENTIVE!), baseMinor: 50n, expectedMinor: 1n },
    { label: 'distributor 1 % of 0.51 = 0.0051 → 0.01', line: (b) => distributorIncentive(dealFacts({ distributorId: 'x', amountMinor: b }), partnerStanding({ tierCode: 'BRONZE' }), rules.DISTRIBUTOR_INCENTIVE!), baseMinor: 51n, expectedMinor: 1n },
    { label: 'volume 5 % of 30,000.09 = 1,500.0045 → 1,500.00', line: (b) => volumeRebate('p1', '2026-Q3', [{ deal: newBusiness(b), standing: premier }], volume), baseMinor: 3_000_009n, expectedMinor: 150_000n },
    { label: 'volume 5 % of 30,000.10 = 1,500.005 → 1,500.01', line: (b) => volumeRebate('p1', '2026-Q3', [{ deal: newBusiness(b), standing: premier }], volume), baseMinor: 3_000_010n, expectedMinor: 150_001n },
    { label: 'volume 5 % of 30,000.11 = 1,500.0055 → 1,500.01', line: (b) => volumeRebate('p1', '2026-Q3', [{ deal: newBusiness(b), standing: premier }], volume), baseMinor: 3_000_011n, expectedMinor: 150_001n },
    { label: 'volume 7.5 % of 50,000.33 = 3,750.02475 → 3,750.02', line: (b) => volumeRebate('p1', '2026-Q3', [{ deal: newBusiness(b), standing: premier }], volume), baseMinor: 5_000_033n, expectedMinor: 375_002n },
    { label: 'volume 7.5 % of 50,000.20 = 3,750.015 → 3,750.02', line: (b) => volumeRebate('p1', '2026-Q3', [{ deal: newBusiness(b), standing: premier }], volume), baseMinor: 5_000_020n, expectedMinor: 375_002n },
    { label: 'volume 7.5 % of 50,000.07 = 3,750.00525 → 3,750.01', line: (b) => volumeRebate('p1', '2026-Q3', [{ deal: newBusiness(b), standing: premier }], volume), baseMinor: 5_000_007n, expectedMinor: 375_001n },
    { label: 'volume 10 % of 100,000.04 = 10,000.004 → 10,000.00', line: (b) => volumeRebate('p1', '2026-Q3', [{ deal: newBusiness(b), standing: premier }], volume), baseMinor: 10_000_004n, expectedMinor: 1_000_000n },
    { label: 'volume 10 % of 100,000.05 = 10,000.005 → 10,000.01', line: (b) => volumeRebate('p1', '2026-Q3', [{ deal: newBusiness(b), standing: premier }], volume), baseMinor: 10_000_005n, expectedMinor: 1_000_001n },
  ];

  it.each(cases.map((c) => [c.label, c] as const))('%s', (_label, { line, baseMinor, expectedMinor }) => {
    const computed = line(baseMinor);
    expect(computed).not.toBeNull();
    expect(computed!.baseMinor).toBe(baseMinor);
    expect(computed!.amountMinor).toBe(expectedMinor);
    expect(computed!.amountMinor).toBe(halfUpOfPercent(baseMinor, computed!.rate));
  });

  it('shows the rounded amount in the explanation', () => {
    expect(frontEndDiscount(newBusiness(3n), partnerStanding({ tierCode: 'EXPERT' }), rules.FRONT_END_DISCOUNT!)!.explanation).toContain('0.01 EUR off');
    expect(volumeRebate('p1', '2026-Q3', [{ deal: newBusiness(5_000_007n), standing: premier }], volume)!.explanation).toMatch(/3750\.01 EUR$/);
  });
});

describe('property: every line is base × rate rounded half up to the minor unit', () => {
  it('holds for every discount and payout, with random rates, bands and facts', () => {
    fc.assert(
      fc.property(quarterFacts, randomDealRuleSet, randomVolumeRebate, (facts, rules, volume) => {
        const lines: IncentiveLine[] = facts.flatMap(({ deal, standing }) => [...priceQuote(deal, standing, rules).discounts, ...dealPayouts(deal, standing, rules)]);
        for (const partnerId of new Set(facts.map((f) => f.deal.partnerId))) {
          const rebate = volumeRebate(partnerId, '2026-Q3', facts, volume);
          if (rebate) lines.push(rebate);
        }
        for (const line of lines) {
          expect(line.amountMinor, `${line.rule} ${line.rate} of ${line.baseMinor}`).toBe(halfUpOfPercent(line.baseMinor, line.rate));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('holds with the demo rules, on amounts up to a billion', () => {
    const rules = everyDemoDealRule();
    const volume = demoRule('AU-2014', 'VOLUME_REBATE');
    fc.assert(
      fc.property(quarterFacts, fc.bigInt({ min: 0n, max: 100_000_000_000n }), (facts, bigAmount) => {
        const scaled = facts.map(({ deal, standing }, i) => ({ deal: i === 0 ? { ...deal, amountMinor: bigAmount } : deal, standing }));
        const lines: IncentiveLine[] = scaled.flatMap(({ deal, standing }) => [...priceQuote(deal, standing, rules).discounts, ...dealPayouts(deal, standing, rules)]);
        for (const partnerId of new Set(scaled.map((f) => f.deal.partnerId))) {
          const rebate = volumeRebate(partnerId, '2026-Q3', scaled, volume);
          if (rebate) lines.push(rebate);
        }
        for (const line of lines) expect(line.amountMinor).toBe(halfUpOfPercent(line.baseMinor, line.rate));
      }),
    );
  });
});
