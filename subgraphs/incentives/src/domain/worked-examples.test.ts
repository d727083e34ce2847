import { describe, expect, it } from 'vitest';
import { formatAmount } from '@hub/domain';
import { DEMO_RULES } from '../seeds/rules.data';
import { dealPayouts, priceQuote, ruleInEffect, volumeRebate, type DealFacts, type DealRuleSet, type PartnerStanding, type QuarterDeal, type RuleKind, type RuleVersion } from './index';

const rule = <K extends RuleKind>(programCode: string, kind: K, asOf = '2026-09-30'): RuleVersion<K> => {
  const found = ruleInEffect(DEMO_RULES, programCode, kind, asOf);
  if (!found) throw new Error(`no ${kind} rule for ${programCode}`);
  return found;
};

const rulesFor = (programCode: string): DealRuleSet => ({
  FRONT_END_DISCOUNT: ruleInEffect(DEMO_RULES, programCode, 'FRONT_END_DISCOUNT', '2026-09-30'),
  DEAL_REGISTRATION_DISCOUNT: ruleInEffect(DEMO_RULES, programCode, 'DEAL_REGISTRATION_DISCOUNT', '2026-09-30'),
  BACK_END_REBATE: ruleInEffect(DEMO_RULES, programCode, 'BACK_END_REBATE', '2026-09-30'),
  REFERRAL_FEE: ruleInEffect(DEMO_RULES, programCode, 'REFERRAL_FEE', '2026-09-30'),
  SEGMENT_FLAT_REBATE: ruleInEffect(DEMO_RULES, programCode, 'SEGMENT_FLAT_REBATE', '2026-09-30'),
  INSTANT_BONUS: ruleInEffect(DEMO_RULES, programCode, 'INSTANT_BONUS', '2026-09-30'),
  DISTRIBUTOR_INCENTIVE: ruleInEffect(DEMO_RULES, programCode, 'DISTRIBUTOR_INCENTIVE', '2026-09-30'),
});

const money = (minor: bigint) => formatAmount(minor, 'EUR');

function deal(overrides: Partial<DealFacts>): DealFacts {
  return {
    dealId: 'd1',
    partnerId: 'p1',
    distributorId: null,
    referringPartnerId: null,
    programCode: 'FR-2023',
    type: 'NEW_CUSTOMER',
    productLine: 'NETWORK',
    segment: 'SMB',
    seats: 100,
    amountMinor: 4_000_000n,
    currency: 'EUR',
    registered: true,
    closedOn: '2026-08-14',
    ...overrides,
  };
}

function standing(overrides: Partial<PartnerStanding>): PartnerStanding {
  return { partnerId: 'p1', programCode: 'FR-2023', tierCode: 'EXPERT', specializations: [], segmentFocus: 'SMB', ...overrides };
}

describe('worked example 1: AU-2014 quarterly volume rebate', () => {
  const premier = standing({ programCode: 'AU-2014', tierCode: 'PREMIER' });
  const won = (id: string, amountMinor: bigint, type: DealFacts['type'] = 'NEW_CUSTOMER'): QuarterDeal => ({
    deal: deal({ dealId: id, programCode: 'AU-2014', currency: 'AUD', amountMinor, type }),
    standing: premier,
  });
  const rebate = (deals: QuarterDeal[]) => volumeRebate('p1', '2026-Q3', deals, rule('AU-2014', 'VOLUME_REBATE'));

  it('Premier partner, Q3: 20,000 + 32,340 new business and a 10,000 renewal → base 52,340 → 7.5 % → 3,925.50', () => {
    const line = rebate([won('a', 2_000_000n), won('b', 3_234_000n), won('r', 1_000_000n, 'RENEWAL')]);
    expect(line).toMatchObject({ rule: 'VOLUME_REBATE', ruleVersion: 1, baseMinor: 5_234_000n, rate: '7.5%', amountMinor: 392_550n, currency: 'AUD' });
    expect(line!.explanation).toContain('1 renewal excluded');
    expect(line!.explanation).toContain('3925.50 AUD');
  });

  it('a base of exactly 50,000 → 7.5 % → 3,750.00', () => {
    expect(rebate([won('a', 5_000_000n)])).toMatchObject({ rate: '7.5%', amountMinor: 375_000n });
  });

  it('49,999.99 → 5 % → 2,500.00', () => {
    expect(rebate([won('a', 4_999_999n)])).toMatchObject({ rate: '5%', amountMinor: 250_000n });
  });

  it('29,999.99 → nothing', () => {
    expect(rebate([won('a', 2_999_999n)])).toBeNull();
  });
});

describe('worked example 2: AU-2014 referral fee by seats', () => {
  const referral = (seats: number) => dealPayouts(deal({ programCode: 'AU-2014', currency: 'AUD', referringPartnerId: 'referrer', seats, amountMinor: 12_000_000n }), standing({ programCode: 'AU-2014', tierCode: 'ASSOCIATE' }), { REFERRAL_FEE: rule('AU-2014', 'REFERRAL_FEE') });

  it('501 seats at 120,000 → 12,000.00 to the referring partner', () => {
    expect(referral(501)).toEqual([expect.objectContaining({ rule: 'REFERRAL_FEE', payee: { kind: 'PARTNER', id: 'referrer' }, rate: '10%', amountMinor: 1_200_000n })]);
  });

  it('500 seats → 5 % = 6,000.00', () => {
    expect(referral(500)).toEqual([expect.objectContaining({ rate: '5%', amountMinor: 600_000n })]);
  });

  it('250 seats → 5 %', () => {
    expect(referral(250)).toEqual([expect.objectContaining({ rate: '5%', amountMinor: 600_000n })]);
  });

  it('249 seats → nothing', () => {
    expect(referral(249)).toEqual([]);
  });
});

describe('worked example 3: FR-2023 Expert partner with Network Security, 40,000 network deal', () => {
  const expert = standing({ tierCode: 'EXPERT', specializations: ['NETWORK_SECURITY'] });
  const newCustomer = deal({ type: 'NEW_CUSTOMER', productLine: 'NETWORK', amountMinor: 4_000_000n, registered: true });

  it('front-end 17.5 % (7,000.00 off) and deal registration 12.5 % (5,000.00 off) stack on the price', () => {
    const quote = priceQuote(newCustomer, expert, rulesFor('FR-2023'));
    expect(quote.discounts.map((d) => [d.rule, d.rate, money(d.amountMinor)])).toEqual([
      ['FRONT_END_DISCOUNT', '17.5%', '7000.00'],
      ['DEAL_REGISTRATION_DISCOUNT', '12.5%', '5000.00'],
    ]);
    expect(money(quote.netMinor)).toBe('28000.00');
  });

  it('back-end 2 % + 2 % = 1,600.00 paid when won', () => {
    const payouts = dealPayouts(newCustomer, expert, rulesFor('FR-2023'));
    expect(payouts).toEqual([expect.objectContaining({ rule: 'BACK_END_REBATE', rate: '4%', amountMinor: 160_000n, payee: { kind: 'PARTNER', id: 'p1' } })]);
    expect(payouts[0]!.explanation).toContain('NETWORK_SECURITY');
  });

  it('the same deal as a renewal: 5 % off (2,000.00), no registration discount, no back-end rebate', () => {
    const renewal = { ...newCustomer, type: 'RENEWAL' as const };
    const quote = priceQuote(renewal, expert, rulesFor('FR-2023'));
    expect(quote.discounts.map((d) => [d.rule, d.rate, money(d.amountMinor)])).toEqual([['FRONT_END_DISCOUNT', '5%', '2000.00']]);
    expect(dealPayouts(renewal, expert, rulesFor('FR-2023'))).toEqual([]);
  });
});
