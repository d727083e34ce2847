import { describe, expect, it } from 'vitest';
import { dealFacts, demoRule, partnerStanding } from '../test/builders';
import type { DealFacts } from './facts';
import { volumeRebate, type QuarterDeal } from './rule-kinds';

const rule = demoRule('AU-2014', 'VOLUME_REBATE');
const premier = partnerStanding({ programCode: 'AU-2014', tierCode: 'PREMIER' });

const won = (dealId: string, amountMinor: bigint, overrides: Partial<DealFacts> = {}, standing = premier): QuarterDeal => ({
  deal: dealFacts({ dealId, programCode: 'AU-2014', currency: 'AUD', amountMinor, ...overrides }),
  standing,
});
const rebate = (deals: QuarterDeal[]) => volumeRebate('p1', '2026-Q3', deals, rule);

describe('volume rebate bands (AU-2014)', () => {
  it.each([
    ['29,999.99 earns nothing', 2_999_999n, null, null],
    ['30,000.00 earns 5 % = 1,500.00', 3_000_000n, '5%', 150_000n],
    ['49,999.99 earns 5 % = 2,499.9995, paid as 2,500.00', 4_999_999n, '5%', 250_000n],
    ['50,000.00 earns 7.5 % = 3,750.00', 5_000_000n, '7.5%', 375_000n],
    ['99,999.99 earns 7.5 % = 7,499.99925, paid as 7,500.00', 9_999_999n, '7.5%', 750_000n],
    ['100,000.00 earns 10 % = 10,000.00', 10_000_000n, '10%', 1_000_000n],
  ])('a base of %s', (_label, baseMinor, rate, amountMinor) => {
    const line = rebate([won('a', baseMinor)]);
    if (rate === null) {
      expect(line).toBeNull();
    } else {
      expect(line).toMatchObject({ rule: 'VOLUME_REBATE', ruleVersion: 1, source: 'quarter:p1:2026-Q3', baseMinor, rate, amountMinor, currency: 'AUD', payee: { kind: 'PARTNER', id: 'p1' } });
    }
  });

  it('applies the band reached by the whole base to all of it, not marginally', () => {
    // 60,000.00 at 7.5 % is 4,500.00; a marginal scheme would pay 5 % on 20,000 + 7.5 % on 10,000.
    expect(rebate([won('a', 2_000_000n), won('b', 2_000_000n), won('c', 2_000_000n)])).toMatchObject({ baseMinor: 6_000_000n, rate: '7.5%', amountMinor: 450_000n });
  });

  it('reaches a band by adding deals up to exactly its lower bound', () => {
    const line = rebate([won('a', 1_234_567n), won('b', 3_765_433n)]);
    expect(line).toMatchObject({ baseMinor: 5_000_000n, rate: '7.5%', amountMinor: 375_000n });
    expect(line!.explanation).toContain('over 2 deals');
    expect(line!.explanation).toContain('reach the 50000.00 AUD band');
  });

  it('counts National partners as well as Premier ones', () => {
    expect(rebate([won('a', 3_000_000n, {}, { ...premier, tierCode: 'NATIONAL' })])).toMatchObject({ rate: '5%', amountMinor: 150_000n });
  });

  it('pays nothing to an Associate partner however much it sells', () => {
    expect(rebate([won('a', 50_000_000n, {}, { ...premier, tierCode: 'ASSOCIATE' })])).toBeNull();
  });

  it('excludes renewals from the base, and says how many', () => {
    const line = rebate([won('a', 3_000_000n), won('r1', 9_000_000n, { type: 'RENEWAL' }), won('r2', 1_000_000n, { type: 'RENEWAL' })]);
    expect(line).toMatchObject({ baseMinor: 3_000_000n, rate: '5%', amountMinor: 150_000n });
    expect(line!.explanation).toContain('(2 renewals excluded)');
  });

  it('pays nothing when only renewals reach a band', () => {
    expect(rebate([won('r', 20_000_000n, { type: 'RENEWAL' })])).toBeNull();
  });

  it('counts new solutions at existing customers as new business', () => {
    expect(rebate([won('a', 2_000_000n, { type: 'NEW_SOLUTION' }), won('b', 1_000_000n)])).toMatchObject({ baseMinor: 3_000_000n, rate: '5%' });
  });

  it("ignores other partners' deals", () => {
    const other = partnerStanding({ partnerId: 'p2', programCode: 'AU-2014', tierCode: 'PREMIER' });
    expect(rebate([won('a', 2_999_999n), won('b', 5_000_000n, { partnerId: 'p2' }, other)])).toBeNull();
  });

  it('pays nothing for a quarter without deals', () => {
    expect(rebate([])).toBeNull();
  });
});
