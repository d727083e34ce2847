import type { RuleVersion } from '../domain/rules';

/*
 * The demo incentive configuration of domain.md, as data: staff change a rule by adding a new
 * version with an effective date; periods already closed keep the version they were paid under.
 * Figures marked (seed) in domain.md come from the trade press; the rest is demo.
 */
const FROM_2023 = '2023-01-01';
const FROM_2014 = '2014-01-01';
const FROM_2011 = '2011-01-01';

export const DEMO_RULES: RuleVersion[] = [
  {
    kind: 'FRONT_END_DISCOUNT',
    programCode: 'FR-2023',
    version: 1,
    effectiveFrom: FROM_2023,
    effectiveTo: null,
    // New business is 3–4 × the renewal rate (seed).
    parameters: { newBusinessRates: { REGISTERED: '15%', SKILL: '15%', EXPERT: '17.5%', ELITE: '20%' }, renewalRate: '5%' },
  },
  {
    kind: 'DEAL_REGISTRATION_DISCOUNT',
    programCode: 'FR-2023',
    version: 1,
    effectiveFrom: FROM_2023,
    effectiveTo: null,
    // 10 % to 15 % (seed), was 5 %.
    parameters: { rates: { SKILL: '10%', EXPERT: '12.5%', ELITE: '15%' } },
  },
  {
    kind: 'BACK_END_REBATE',
    programCode: 'FR-2023',
    version: 1,
    effectiveFrom: FROM_2023,
    effectiveTo: null,
    parameters: {
      baseRate: '2%',
      specializationUplift: '2%',
      specializationByProductLine: { HYBRID_CLOUD: 'HYBRID_CLOUD_SECURITY', NETWORK: 'NETWORK_SECURITY', ENDPOINT: 'EMAIL_ENDPOINT_SECURITY', EMAIL: 'EMAIL_ENDPOINT_SECURITY' },
    },
  },
  {
    kind: 'REFERRAL_FEE',
    programCode: 'AU-2014',
    version: 1,
    effectiveFrom: FROM_2014,
    effectiveTo: null,
    // Over 500 seats 10 %, 250–500 seats 5 % (seed); nothing below 250.
    parameters: {
      bands: [
        { fromSeats: 250, toSeats: 500, rate: '5%' },
        { fromSeats: 501, toSeats: null, rate: '10%' },
      ],
    },
  },
  {
    kind: 'VOLUME_REBATE',
    programCode: 'AU-2014',
    version: 1,
    effectiveFrom: FROM_2014,
    effectiveTo: null,
    // 30,000–49,999 → 5 %, 50,000–99,999 → 7.5 %, 100,000 and over → 10 % (seed), in minor units.
    parameters: {
      eligibleTiers: ['PREMIER', 'NATIONAL'],
      bands: [
        { fromMinor: '3000000', rate: '5%' },
        { fromMinor: '5000000', rate: '7.5%' },
        { fromMinor: '10000000', rate: '10%' },
      ],
    },
  },
  {
    kind: 'MDF',
    programCode: 'AU-2014',
    version: 1,
    effectiveFrom: FROM_2014,
    effectiveTo: null,
    parameters: { eligibleTiers: ['PREMIER', 'ASSOCIATE'] },
  },
  {
    kind: 'SEGMENT_FLAT_REBATE',
    programCode: 'US-2014',
    version: 1,
    effectiveFrom: FROM_2014,
    effectiveTo: null,
    parameters: { partnerSegmentFocus: 'SMB', dealSegment: 'ENTERPRISE', rate: '3%' },
  },
  {
    kind: 'DISTRIBUTOR_INCENTIVE',
    programCode: 'US-2014',
    version: 1,
    effectiveFrom: FROM_2014,
    effectiveTo: null,
    parameters: { partnerTiers: ['SILVER', 'BRONZE'], rate: '1%' },
  },
  {
    kind: 'INSTANT_BONUS',
    programCode: 'CH-2011',
    version: 1,
    effectiveFrom: FROM_2011,
    effectiveTo: null,
    parameters: { productLines: ['HYBRID_CLOUD', 'VIRTUALIZATION'], rate: '3%' },
  },
];
