import { describe, expect, it } from 'vitest';
import { dealFacts, demoRule, everyDemoDealRule, partnerStanding } from '../test/builders';
import { backEndRebate, dealRegistrationDiscount, distributorIncentive, frontEndDiscount, instantBonus, referralFee, segmentFlatRebate } from './rule-kinds';
import { dealPayouts } from './quote';

describe('front-end discount (FR-2023)', () => {
  const rule = demoRule('FR-2023', 'FRONT_END_DISCOUNT');
  const newCustomer = dealFacts({ type: 'NEW_CUSTOMER', amountMinor: 4_000_000n });

  it.each([
    ['REGISTERED', '15%', 600_000n],
    ['SKILL', '15%', 600_000n],
    ['EXPERT', '17.5%', 700_000n],
    ['ELITE', '20%', 800_000n],
  ])('gives %s partners %s off 40,000.00 of new business', (tierCode, rate, amountMinor) => {
    const line = frontEndDiscount(newCustomer, partnerStanding({ tierCode }), rule);
    expect(line).toMatchObject({ rule: 'FRONT_END_DISCOUNT', ruleVersion: 1, source: 'deal:d1', baseMinor: 4_000_000n, rate, amountMinor, currency: 'EUR' });
    expect(line!.explanation).toContain(tierCode);
  });

  it('gives a new solution at an existing customer the new-business rate', () => {
    expect(frontEndDiscount(dealFacts({ type: 'NEW_SOLUTION' }), partnerStanding({ tierCode: 'ELITE' }), rule)).toMatchObject({ rate: '20%', amountMinor: 800_000n });
  });

  it.each(['REGISTERED', 'SKILL', 'EXPERT', 'ELITE'])('gives %s partners only the 5 % renewal rate on a renewal', (tierCode) => {
    const line = frontEndDiscount(dealFacts({ type: 'RENEWAL' }), partnerStanding({ tierCode }), rule);
    expect(line).toMatchObject({ rate: '5%', amountMinor: 200_000n });
    expect(line!.explanation).toMatch(/^Renewal discount 5%/);
  });

  it('does not need an approved registration', () => {
    expect(frontEndDiscount(dealFacts({ registered: false }), partnerStanding({ tierCode: 'SKILL' }), rule)).toMatchObject({ rate: '15%', amountMinor: 600_000n });
  });

  it('gives nothing on new business to a tier the rule does not list', () => {
    expect(frontEndDiscount(newCustomer, partnerStanding({ tierCode: 'GOLD' }), rule)).toBeNull();
  });
});

describe('deal-registration discount (FR-2023)', () => {
  const rule = demoRule('FR-2023', 'DEAL_REGISTRATION_DISCOUNT');

  it.each([
    ['SKILL', '10%', 400_000n],
    ['EXPERT', '12.5%', 500_000n],
    ['ELITE', '15%', 600_000n],
  ])('gives %s partners %s off an approved 40,000.00 registration', (tierCode, rate, amountMinor) => {
    expect(dealRegistrationDiscount(dealFacts({ amountMinor: 4_000_000n }), partnerStanding({ tierCode }), rule)).toMatchObject({
      rule: 'DEAL_REGISTRATION_DISCOUNT',
      ruleVersion: 1,
      baseMinor: 4_000_000n,
      rate,
      amountMinor,
    });
  });

  it('gives a REGISTERED partner none', () => {
    expect(dealRegistrationDiscount(dealFacts({}), partnerStanding({ tierCode: 'REGISTERED' }), rule)).toBeNull();
  });

  it('applies to a new solution at an existing customer', () => {
    expect(dealRegistrationDiscount(dealFacts({ type: 'NEW_SOLUTION' }), partnerStanding({ tierCode: 'ELITE' }), rule)).toMatchObject({ rate: '15%' });
  });

  it('is not given on a renewal, even an approved one at the top tier', () => {
    expect(dealRegistrationDiscount(dealFacts({ type: 'RENEWAL', registered: true }), partnerStanding({ tierCode: 'ELITE' }), rule)).toBeNull();
  });

  it('is not given without an approved registration', () => {
    expect(dealRegistrationDiscount(dealFacts({ registered: false }), partnerStanding({ tierCode: 'ELITE' }), rule)).toBeNull();
  });
});

describe('back-end rebate (FR-2023)', () => {
  const rule = demoRule('FR-2023', 'BACK_END_REBATE');
  const hybridCloud = dealFacts({ productLine: 'HYBRID_CLOUD', amountMinor: 4_000_000n, registered: true });

  it("pays 2 % + 2 % = 4 % when the partner holds the product line's specialization", () => {
    const line = backEndRebate(hybridCloud, partnerStanding({ specializations: ['MSP', 'HYBRID_CLOUD_SECURITY'] }), rule);
    expect(line).toMatchObject({ rule: 'BACK_END_REBATE', rate: '4%', amountMinor: 160_000n, payee: { kind: 'PARTNER', id: 'p1' } });
    expect(line!.explanation).toContain('2% + 2% for holding HYBRID_CLOUD_SECURITY');
  });

  it('pays the 2 % base without it', () => {
    const line = backEndRebate(hybridCloud, partnerStanding({ specializations: [] }), rule);
    expect(line).toMatchObject({ rate: '2%', amountMinor: 80_000n });
    expect(line!.explanation).not.toContain('holding');
  });

  it("pays the 2 % base when the partner holds only another product line's specialization", () => {
    expect(backEndRebate(hybridCloud, partnerStanding({ specializations: ['NETWORK_SECURITY'] }), rule)).toMatchObject({ rate: '2%', amountMinor: 80_000n });
  });

  it('pays the 2 % base on a product line with no specialization', () => {
    expect(backEndRebate(dealFacts({ productLine: 'VIRTUALIZATION' }), partnerStanding({ specializations: ['HYBRID_CLOUD_SECURITY', 'NETWORK_SECURITY'] }), rule)).toMatchObject({ rate: '2%' });
  });

  it('gives email and endpoint deals the uplift for the one Email & Endpoint specialization', () => {
    const emailEndpoint = partnerStanding({ specializations: ['EMAIL_ENDPOINT_SECURITY'] });
    expect(backEndRebate(dealFacts({ productLine: 'EMAIL' }), emailEndpoint, rule)).toMatchObject({ rate: '4%' });
    expect(backEndRebate(dealFacts({ productLine: 'ENDPOINT' }), emailEndpoint, rule)).toMatchObject({ rate: '4%' });
  });

  it('pays nothing on an unregistered deal', () => {
    expect(backEndRebate({ ...hybridCloud, registered: false }, partnerStanding({ specializations: ['HYBRID_CLOUD_SECURITY'] }), rule)).toBeNull();
  });

  it('pays nothing on a renewal', () => {
    expect(backEndRebate({ ...hybridCloud, type: 'RENEWAL' }, partnerStanding({ specializations: ['HYBRID_CLOUD_SECURITY'] }), rule)).toBeNull();
  });

  it('pays on a new solution at an existing customer', () => {
    expect(backEndRebate({ ...hybridCloud, type: 'NEW_SOLUTION' }, partnerStanding({}), rule)).toMatchObject({ rate: '2%', amountMinor: 80_000n });
  });
});

describe('referral fee (AU-2014)', () => {
  const rule = demoRule('AU-2014', 'REFERRAL_FEE');
  const referred = (seats: number) => dealFacts({ programCode: 'AU-2014', currency: 'AUD', referringPartnerId: 'referrer', seats, amountMinor: 8_000_000n });

  it('pays nothing on 249 seats', () => {
    expect(referralFee(referred(249), rule)).toBeNull();
  });

  it('pays 5 % on exactly 250 seats, to the referring partner', () => {
    const line = referralFee(referred(250), rule);
    expect(line).toMatchObject({ rule: 'REFERRAL_FEE', rate: '5%', baseMinor: 8_000_000n, amountMinor: 400_000n, currency: 'AUD', payee: { kind: 'PARTNER', id: 'referrer' } });
    expect(line!.explanation).toContain('250–500 seats');
    expect(line!.explanation).toContain('250-seat');
  });

  it('pays 5 % on exactly 500 seats', () => {
    expect(referralFee(referred(500), rule)).toMatchObject({ rate: '5%', amountMinor: 400_000n });
  });

  it('pays 10 % on 501 seats', () => {
    const line = referralFee(referred(501), rule);
    expect(line).toMatchObject({ rate: '10%', amountMinor: 800_000n });
    expect(line!.explanation).toContain('501+ seats');
  });

  it('pays nothing without a referring partner', () => {
    expect(referralFee({ ...referred(501), referringPartnerId: null }, rule)).toBeNull();
  });
});

describe('segment flat rebate (US-2014): an SMB-focused partner selling to an enterprise', () => {
  const rules = everyDemoDealRule();
  const smbFocused = partnerStanding({ programCode: 'US-2014', tierCode: 'SILVER', segmentFocus: 'SMB', specializations: ['HYBRID_CLOUD_SECURITY'] });
  // Registered new business on an instant-bonus product line, with a specialization, a referrer and
  // a distributor: every other deal payout would apply.
  const sale = (seats: number, segment: 'SMB' | 'ENTERPRISE') =>
    dealFacts({ programCode: 'US-2014', currency: 'USD', productLine: 'HYBRID_CLOUD', seats, segment, amountMinor: 10_000_000n, registered: true, referringPartnerId: 'referrer', distributorId: 'distributor' });
  const summary = (lines: ReturnType<typeof dealPayouts>) => lines.map((l) => [l.rule, l.rate, l.amountMinor, `${l.payee.kind}:${l.payee.id}`]);

  it('does not apply to a 500-seat (SMB) deal: the partner gets its ordinary payouts', () => {
    expect(segmentFlatRebate(sale(500, 'SMB'), smbFocused, rules.SEGMENT_FLAT_REBATE!)).toBeNull();
    expect(summary(dealPayouts(sale(500, 'SMB'), smbFocused, rules))).toEqual([
      ['BACK_END_REBATE', '4%', 400_000n, 'PARTNER:p1'],
      ['INSTANT_BONUS', '3%', 300_000n, 'PARTNER:p1'],
      ['REFERRAL_FEE', '5%', 500_000n, 'PARTNER:referrer'],
      ['DISTRIBUTOR_INCENTIVE', '1%', 100_000n, 'DISTRIBUTOR:distributor'],
    ]);
  });

  it('pays a flat 3 % on a 501-seat (ENTERPRISE) deal instead of the back-end rebate and instant bonus; the referrer and distributor are still paid', () => {
    const lines = dealPayouts(sale(501, 'ENTERPRISE'), smbFocused, rules);
    expect(summary(lines)).toEqual([
      ['SEGMENT_FLAT_REBATE', '3%', 300_000n, 'PARTNER:p1'],
      ['REFERRAL_FEE', '10%', 1_000_000n, 'PARTNER:referrer'],
      ['DISTRIBUTOR_INCENTIVE', '1%', 100_000n, 'DISTRIBUTOR:distributor'],
    ]);
    expect(lines[0]!.explanation).toContain("SMB-focused partner's ENTERPRISE deal");
  });

  it("does not apply to an ENTERPRISE-focused partner's enterprise deal", () => {
    const enterpriseFocused = { ...smbFocused, segmentFocus: 'ENTERPRISE' as const };
    expect(dealPayouts(sale(501, 'ENTERPRISE'), enterpriseFocused, rules).map((l) => l.rule)).toEqual(['BACK_END_REBATE', 'INSTANT_BONUS', 'REFERRAL_FEE', 'DISTRIBUTOR_INCENTIVE']);
  });

  it('pays the flat rebate even on an unregistered deal, where no back-end rebate would have been due', () => {
    expect(dealPayouts({ ...sale(501, 'ENTERPRISE'), registered: false, referringPartnerId: null, distributorId: null }, smbFocused, rules)).toEqual([
      expect.objectContaining({ rule: 'SEGMENT_FLAT_REBATE', amountMinor: 300_000n }),
    ]);
  });
});

describe('distributor incentive (US-2014)', () => {
  const rule = demoRule('US-2014', 'DISTRIBUTOR_INCENTIVE');
  const fulfilled = dealFacts({ programCode: 'US-2014', currency: 'USD', distributorId: 'ingram', amountMinor: 10_000_000n });

  it.each(['SILVER', 'BRONZE'])('pays the distributor 1 % of a sale fulfilled for a %s partner', (tierCode) => {
    const line = distributorIncentive(fulfilled, partnerStanding({ programCode: 'US-2014', tierCode }), rule);
    expect(line).toMatchObject({ rule: 'DISTRIBUTOR_INCENTIVE', rate: '1%', amountMinor: 100_000n, payee: { kind: 'DISTRIBUTOR', id: 'ingram' } });
    expect(line!.explanation).toContain(`${tierCode} partner`);
  });

  it.each(['GOLD', 'PLATINUM'])('pays nothing on a sale for a %s partner, whom channel managers work directly', (tierCode) => {
    expect(distributorIncentive(fulfilled, partnerStanding({ programCode: 'US-2014', tierCode }), rule)).toBeNull();
  });

  it('pays nothing on a sale without a distributor', () => {
    expect(distributorIncentive({ ...fulfilled, distributorId: null }, partnerStanding({ programCode: 'US-2014', tierCode: 'SILVER' }), rule)).toBeNull();
  });
});

describe('instant bonus (CH-2011)', () => {
  const rule = demoRule('CH-2011', 'INSTANT_BONUS');
  const sale = (productLine: string) => dealFacts({ programCode: 'CH-2011', currency: 'CHF', productLine, amountMinor: 5_000_000n, closedOn: '2026-08-14' });

  it('pays 3 % on a hybrid-cloud sale, naming the close date', () => {
    const line = instantBonus(sale('HYBRID_CLOUD'), rule);
    expect(line).toMatchObject({ rule: 'INSTANT_BONUS', rate: '3%', amountMinor: 150_000n, currency: 'CHF', payee: { kind: 'PARTNER', id: 'p1' } });
    expect(line!.explanation).toContain('closed 2026-08-14');
  });

  it('pays 3 % on a virtualisation sale', () => {
    expect(instantBonus(sale('VIRTUALIZATION'), rule)).toMatchObject({ rate: '3%', amountMinor: 150_000n });
  });

  it('pays nothing on another product line', () => {
    expect(instantBonus(sale('NETWORK'), rule)).toBeNull();
    expect(instantBonus(sale('EMAIL'), rule)).toBeNull();
  });
});
