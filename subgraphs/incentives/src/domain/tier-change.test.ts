import { describe, expect, it } from 'vitest';
import type { IsoDate } from '@hub/domain';
import { dealFacts, demoRule, demoRuleSet, partnerStanding } from '../test/builders';
import type { DealFacts, PartnerStanding } from './facts';
import { dealPayouts, priceQuote } from './quote';
import { volumeRebate, type QuarterDeal } from './rule-kinds';

/** A partner's effective-dated history: each entry holds from its date until the next one. */
type History = { from: IsoDate; standing: PartnerStanding }[];

function standingOn(history: History, date: IsoDate): PartnerStanding {
  const entry = history.filter((e) => e.from <= date).at(-1);
  if (!entry) throw new Error(`no standing on ${date}`);
  return entry.standing;
}

const closedWhile = (history: History) => (deal: DealFacts): QuarterDeal => ({ deal, standing: standingOn(history, deal.closedOn!) });

describe('a tier change mid-quarter: each deal is paid under the tier held on its close date', () => {
  describe('AU-2014 Associate → Premier on 2026-08-16: the volume rebate counts only deals closed while Premier', () => {
    const associate = partnerStanding({ programCode: 'AU-2014', tierCode: 'ASSOCIATE' });
    const history: History = [
      { from: '2025-01-01', standing: associate },
      { from: '2026-08-16', standing: { ...associate, tierCode: 'PREMIER' } },
    ];
    const sale = (dealId: string, closedOn: IsoDate, amountMinor: bigint) => dealFacts({ dealId, programCode: 'AU-2014', currency: 'AUD', closedOn, amountMinor });
    const deals = [
      sale('july', '2026-07-10', 4_000_000n),
      sale('day-before', '2026-08-15', 3_000_000n),
      sale('day-of', '2026-08-16', 2_500_000n),
      sale('september', '2026-09-30', 1_000_000n),
    ].map(closedWhile(history));

    it('sees the 2026-08-15 deal as Associate and the 2026-08-16 deal as Premier', () => {
      expect(deals.map((d) => [d.deal.dealId, d.standing.tierCode])).toEqual([
        ['july', 'ASSOCIATE'],
        ['day-before', 'ASSOCIATE'],
        ['day-of', 'PREMIER'],
        ['september', 'PREMIER'],
      ]);
    });

    it("bases the rebate on the 35,000.00 closed as Premier (5 %), not the quarter's 105,000.00 (10 %)", () => {
      expect(volumeRebate('p1', '2026-Q3', deals, demoRule('AU-2014', 'VOLUME_REBATE'))).toMatchObject({ baseMinor: 3_500_000n, rate: '5%', amountMinor: 175_000n });
    });

    it('pays nothing when the Premier part of the quarter stays under the first band', () => {
      const early = [sale('july', '2026-07-10', 9_000_000n), sale('august', '2026-08-20', 2_999_999n)].map(closedWhile(history));
      expect(volumeRebate('p1', '2026-Q3', early, demoRule('AU-2014', 'VOLUME_REBATE'))).toBeNull();
    });

    it('a downgrade mid-quarter stops counting from its date', () => {
      const premier = { ...associate, tierCode: 'PREMIER' };
      const downgraded: History = [
        { from: '2025-01-01', standing: premier },
        { from: '2026-08-16', standing: associate },
      ];
      const quarter = [sale('before', '2026-08-15', 5_000_000n), sale('after', '2026-08-16', 6_000_000n)].map(closedWhile(downgraded));
      expect(volumeRebate('p1', '2026-Q3', quarter, demoRule('AU-2014', 'VOLUME_REBATE'))).toMatchObject({ baseMinor: 5_000_000n, rate: '7.5%', amountMinor: 375_000n });
    });
  });

  describe('FR-2023 Skill → Expert (and Network Security) on 2026-08-01: front-end, registration and back-end rates differ per deal', () => {
    const skill = partnerStanding({ tierCode: 'SKILL', specializations: [] });
    const history: History = [
      { from: '2025-01-01', standing: skill },
      { from: '2026-08-01', standing: { ...skill, tierCode: 'EXPERT', specializations: ['NETWORK_SECURITY'] } },
    ];
    const rules = demoRuleSet('FR-2023');
    const network = (dealId: string, closedOn: IsoDate) => dealFacts({ dealId, closedOn, productLine: 'NETWORK', amountMinor: 4_000_000n, registered: true });
    const [before, after] = [network('july-31', '2026-07-31'), network('august-1', '2026-08-01')].map(closedWhile(history)) as [QuarterDeal, QuarterDeal];
    const discounts = ({ deal, standing }: QuarterDeal) => priceQuote(deal, standing, rules).discounts.map((d) => [d.rule, d.rate, d.amountMinor]);

    it('prices the deal closed 2026-07-31 as Skill: 15 % + 10 %', () => {
      expect(discounts(before)).toEqual([
        ['FRONT_END_DISCOUNT', '15%', 600_000n],
        ['DEAL_REGISTRATION_DISCOUNT', '10%', 400_000n],
      ]);
      expect(priceQuote(before.deal, before.standing, rules).netMinor).toBe(3_000_000n);
    });

    it('prices the deal closed 2026-08-01 as Expert: 17.5 % + 12.5 %', () => {
      expect(discounts(after)).toEqual([
        ['FRONT_END_DISCOUNT', '17.5%', 700_000n],
        ['DEAL_REGISTRATION_DISCOUNT', '12.5%', 500_000n],
      ]);
      expect(priceQuote(after.deal, after.standing, rules).netMinor).toBe(2_800_000n);
    });

    it('pays the back-end rebate without the uplift before the specialization and with it after', () => {
      expect(dealPayouts(before.deal, before.standing, rules)).toEqual([expect.objectContaining({ source: 'deal:july-31', rate: '2%', amountMinor: 80_000n })]);
      expect(dealPayouts(after.deal, after.standing, rules)).toEqual([expect.objectContaining({ source: 'deal:august-1', rate: '4%', amountMinor: 160_000n })]);
    });
  });
});
