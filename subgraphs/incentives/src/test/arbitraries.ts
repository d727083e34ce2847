import fc from 'fast-check';
import type { DealFacts, DealRuleSet, PartnerStanding, PayoutLine, QuarterDeal, RuleKind, RuleVersion } from '../domain';

/* fast-check generators for the incentives domain's property tests. */

export const TIER_CODES = ['REGISTERED', 'SKILL', 'EXPERT', 'ELITE', 'ASSOCIATE', 'PREMIER', 'NATIONAL', 'BRONZE', 'SILVER', 'GOLD', 'PLATINUM'] as const;
export const PRODUCT_LINES = ['HYBRID_CLOUD', 'NETWORK', 'ENDPOINT', 'EMAIL', 'VIRTUALIZATION'] as const;
export const SPECIALIZATIONS = ['HYBRID_CLOUD_SECURITY', 'NETWORK_SECURITY', 'EMAIL_ENDPOINT_SECURITY', 'MSP', 'MSSP'] as const;
export const CURRENCIES = ['EUR', 'AUD', 'USD', 'CHF'] as const;

/** A rate as staff would type it: whole percents ("5%") or up to three decimals, trailing zeros and all ("17.500%"). */
export const rateText: fc.Arbitrary<string> = fc.oneof(
  fc.integer({ min: 0, max: 40 }).map((n) => `${n}%`),
  fc.integer({ min: 0, max: 40_000 }).map((thousandths) => `${Math.floor(thousandths / 1000)}.${String(thousandths % 1000).padStart(3, '0')}%`),
);

const rateByTier: fc.Arbitrary<Record<string, string>> = fc.dictionary(fc.constantFrom(...TIER_CODES), rateText);

function version<K extends RuleKind>(kind: K, parameters: fc.Arbitrary<RuleVersion<K>['parameters']>): fc.Arbitrary<RuleVersion<K>> {
  return fc.record({ version: fc.integer({ min: 1, max: 5 }), parameters }).map(({ version, parameters }) => ({
    kind,
    programCode: 'ANY',
    version,
    effectiveFrom: '2000-01-01',
    effectiveTo: null,
    parameters,
  }));
}

/** Every deal rule kind with random rates, bands and lists, so lines are not limited to the demo figures. */
export const randomDealRuleSet: fc.Arbitrary<DealRuleSet> = fc.record({
  FRONT_END_DISCOUNT: version('FRONT_END_DISCOUNT', fc.record({ newBusinessRates: rateByTier, renewalRate: rateText })),
  DEAL_REGISTRATION_DISCOUNT: version('DEAL_REGISTRATION_DISCOUNT', fc.record({ rates: rateByTier })),
  BACK_END_REBATE: version(
    'BACK_END_REBATE',
    fc.record({
      baseRate: rateText,
      specializationUplift: rateText,
      specializationByProductLine: fc.constant({ HYBRID_CLOUD: 'HYBRID_CLOUD_SECURITY', NETWORK: 'NETWORK_SECURITY', ENDPOINT: 'EMAIL_ENDPOINT_SECURITY', EMAIL: 'EMAIL_ENDPOINT_SECURITY' }),
    }),
  ),
  REFERRAL_FEE: version(
    'REFERRAL_FEE',
    fc.tuple(fc.integer({ min: 1, max: 400 }), fc.integer({ min: 0, max: 400 }), rateText, rateText).map(([from, width, low, high]) => ({
      bands: [
        { fromSeats: from, toSeats: from + width, rate: low },
        { fromSeats: from + width + 1, toSeats: null, rate: high },
      ],
    })),
  ),
  SEGMENT_FLAT_REBATE: version('SEGMENT_FLAT_REBATE', fc.record({ partnerSegmentFocus: fc.constantFrom('SMB' as const, 'ENTERPRISE' as const), dealSegment: fc.constantFrom('SMB' as const, 'ENTERPRISE' as const), rate: rateText })),
  INSTANT_BONUS: version('INSTANT_BONUS', fc.record({ productLines: fc.subarray([...PRODUCT_LINES]), rate: rateText })),
  DISTRIBUTOR_INCENTIVE: version('DISTRIBUTOR_INCENTIVE', fc.record({ partnerTiers: fc.subarray([...TIER_CODES]), rate: rateText })),
});

export const randomVolumeRebate: fc.Arbitrary<RuleVersion<'VOLUME_REBATE'>> = version(
  'VOLUME_REBATE',
  fc.record({
    eligibleTiers: fc.subarray([...TIER_CODES]),
    bands: fc.uniqueArray(fc.bigInt({ min: 0n, max: 12_000_000n }), { minLength: 1, maxLength: 4 }).chain((froms) =>
      fc.tuple(...[...froms].sort((a, b) => (a < b ? -1 : 1)).map((from) => rateText.map((rate) => ({ fromMinor: from.toString(), rate })))),
    ),
  }),
);

export interface FactsOptions {
  partnerIds: readonly string[];
  currency: string;
}

/**
 * A won deal in Q3 2026 and the standing its partner had on the close date (drawn per deal, so a
 * partner's tier may change within the quarter); the segment follows the seats as in deals.
 */
export function quarterDeal(dealId: string, { partnerIds, currency }: FactsOptions): fc.Arbitrary<QuarterDeal> {
  return fc
    .record({
      partnerId: fc.constantFrom(...partnerIds),
      distributorId: fc.constantFrom(null, 'dist-1', 'dist-2'),
      referringPartnerId: fc.constantFrom(null, 'referrer', ...partnerIds),
      type: fc.constantFrom('NEW_CUSTOMER' as const, 'NEW_SOLUTION' as const, 'RENEWAL' as const),
      productLine: fc.constantFrom(...PRODUCT_LINES),
      seats: fc.integer({ min: 2, max: 1_000 }),
      amountMinor: fc.bigInt({ min: 0n, max: 6_000_000n }),
      registered: fc.boolean(),
      day: fc.integer({ min: 0, max: 91 }),
      tierCode: fc.constantFrom(...TIER_CODES),
      specializations: fc.subarray([...SPECIALIZATIONS]),
      segmentFocus: fc.constantFrom('SMB' as const, 'ENTERPRISE' as const),
    })
    .map(({ partnerId, day, tierCode, specializations, segmentFocus, ...rest }): QuarterDeal => {
      const deal: DealFacts = {
        dealId,
        partnerId,
        programCode: 'ANY',
        segment: rest.seats > 500 ? 'ENTERPRISE' : 'SMB',
        currency,
        closedOn: new Date(Date.UTC(2026, 6, 1 + day)).toISOString().slice(0, 10),
        ...rest,
      };
      const standing: PartnerStanding = { partnerId, programCode: 'ANY', tierCode, specializations, segmentFocus };
      return { deal, standing };
    });
}

/** A quarter of won deals with distinct ids for a few partners in one currency. */
export const quarterFacts: fc.Arbitrary<QuarterDeal[]> = fc
  .record({ count: fc.integer({ min: 0, max: 25 }), currency: fc.constantFrom(...CURRENCIES), partners: fc.integer({ min: 1, max: 4 }) })
  .chain(({ count, currency, partners }) => {
    const options = { partnerIds: Array.from({ length: partners }, (_, i) => `p${i + 1}`), currency };
    return fc.tuple(...Array.from({ length: count }, (_, i) => quarterDeal(`d${i + 1}`, options)));
  });

/** Any line, positive or negative, as a statement could hold it. */
export const anyPayoutLine: fc.Arbitrary<PayoutLine> = fc.record({
  rule: fc.constantFrom<RuleKind>('BACK_END_REBATE', 'REFERRAL_FEE', 'VOLUME_REBATE', 'SEGMENT_FLAT_REBATE', 'INSTANT_BONUS', 'DISTRIBUTOR_INCENTIVE', 'MDF', 'CLAWBACK'),
  ruleVersion: fc.integer({ min: 1, max: 3 }),
  source: fc.constantFrom('deal:d1', 'deal:d2', 'quarter:p1:2026-Q3', 'mdf-claim:c1'),
  baseMinor: fc.bigInt({ min: 0n, max: 10n ** 12n }),
  rate: rateText,
  amountMinor: fc.bigInt({ min: -(10n ** 12n), max: 10n ** 12n }),
  currency: fc.constant('EUR'),
  explanation: fc.string({ maxLength: 12 }),
  payee: fc.record({ kind: fc.constantFrom('PARTNER' as const, 'DISTRIBUTOR' as const), id: fc.constantFrom('p1', 'dist-1') }),
});
