/**
 * The four programs as shipped configuration. Figures marked (seed) in domain.md come from the
 * trade press; the rest is demo configuration, editable data rather than constants in code.
 * Amounts are in minor units of the program currency.
 */
export interface ProgramSeed {
  code: string;
  name: string;
  currency: string;
  countries: string[];
  version: number;
  effectiveFrom: string;
  noDowngradeUntil: string | null;
  tiers: {
    code: string;
    name: string;
    minCertifiedStaff: number;
    minRevenue: bigint;
    capacity: number | null;
    legacyNames: string[];
  }[];
  specializations: { code: string; name: string; productLine: string | null; requiredSales: number; requiredTechnical: number }[];
}

const FR_SPECIALIZATIONS: ProgramSeed['specializations'] = [
  { code: 'HYBRID_CLOUD_SECURITY', name: 'Hybrid Cloud Security', productLine: 'HYBRID_CLOUD', requiredSales: 1, requiredTechnical: 1 },
  { code: 'NETWORK_SECURITY', name: 'Network Security', productLine: 'NETWORK', requiredSales: 1, requiredTechnical: 1 },
  { code: 'EMAIL_ENDPOINT_SECURITY', name: 'Email & Endpoint Security', productLine: 'ENDPOINT', requiredSales: 1, requiredTechnical: 1 },
  { code: 'MSP', name: 'MSP', productLine: null, requiredSales: 1, requiredTechnical: 1 },
  { code: 'MSSP', name: 'MSSP', productLine: null, requiredSales: 1, requiredTechnical: 1 },
];

export const PROGRAMS: ProgramSeed[] = [
  {
    code: 'FR-2023',
    name: 'Programme partenaires France 2023',
    currency: 'EUR',
    countries: ['FR', 'MC'],
    version: 1,
    effectiveFrom: '2023-01-01',
    noDowngradeUntil: '2024-12-31',
    tiers: [
      { code: 'REGISTERED', name: 'Registered', minCertifiedStaff: 0, minRevenue: 0n, capacity: null, legacyNames: ['Authorized'] },
      { code: 'SKILL', name: 'Skill', minCertifiedStaff: 5, minRevenue: 200_000_00n, capacity: null, legacyNames: ['Silver'] },
      { code: 'EXPERT', name: 'Expert', minCertifiedStaff: 10, minRevenue: 800_000_00n, capacity: null, legacyNames: ['Gold'] },
      { code: 'ELITE', name: 'Elite', minCertifiedStaff: 20, minRevenue: 1_500_000_00n, capacity: null, legacyNames: ['Platinum'] },
    ],
    specializations: FR_SPECIALIZATIONS,
  },
  {
    code: 'CH-2011',
    name: 'Swiss Partner Program 2011',
    currency: 'CHF',
    countries: ['CH', 'LI'],
    version: 1,
    effectiveFrom: '2011-01-01',
    noDowngradeUntil: null,
    tiers: [
      { code: 'BRONZE', name: 'Bronze', minCertifiedStaff: 1, minRevenue: 0n, capacity: null, legacyNames: ['Affinity'] },
      { code: 'SILVER', name: 'Silver', minCertifiedStaff: 2, minRevenue: 100_000_00n, capacity: null, legacyNames: ['Affinity Plus'] },
      { code: 'GOLD', name: 'Gold', minCertifiedStaff: 4, minRevenue: 500_000_00n, capacity: null, legacyNames: ['Affinity One'] },
      { code: 'PLATINUM', name: 'Platinum', minCertifiedStaff: 8, minRevenue: 1_500_000_00n, capacity: 5, legacyNames: [] },
    ],
    // demo: the same product specializations as FR-2023
    specializations: FR_SPECIALIZATIONS,
  },
  {
    code: 'AU-2014',
    name: 'Australia Partner Program 2014',
    currency: 'AUD',
    countries: ['AU'],
    version: 1,
    effectiveFrom: '2014-01-01',
    noDowngradeUntil: null,
    tiers: [
      { code: 'ASSOCIATE', name: 'Associate', minCertifiedStaff: 0, minRevenue: 0n, capacity: null, legacyNames: [] },
      { code: 'PREMIER', name: 'Premier', minCertifiedStaff: 3, minRevenue: 120_000_00n, capacity: null, legacyNames: [] },
      { code: 'NATIONAL', name: 'National', minCertifiedStaff: 10, minRevenue: 2_000_000_00n, capacity: 10, legacyNames: [] },
    ],
    // demo: the same product specializations as FR-2023
    specializations: FR_SPECIALIZATIONS,
  },
  {
    code: 'US-2014',
    name: 'US Partner Program 2014',
    currency: 'USD',
    countries: ['US'],
    version: 1,
    effectiveFrom: '2014-01-01',
    noDowngradeUntil: null,
    tiers: [
      { code: 'BRONZE', name: 'Bronze', minCertifiedStaff: 1, minRevenue: 0n, capacity: null, legacyNames: [] },
      { code: 'SILVER', name: 'Silver', minCertifiedStaff: 2, minRevenue: 150_000_00n, capacity: null, legacyNames: [] },
      { code: 'GOLD', name: 'Gold', minCertifiedStaff: 5, minRevenue: 750_000_00n, capacity: null, legacyNames: [] },
      { code: 'PLATINUM', name: 'Platinum', minCertifiedStaff: 10, minRevenue: 2_000_000_00n, capacity: null, legacyNames: [] },
    ],
    // demo: the same product specializations as FR-2023
    specializations: FR_SPECIALIZATIONS,
  },
];

export const DISTRIBUTORS = [
  { name: 'Ingram Micro', countries: ['FR', 'US', 'AU', 'CH'], handlesRenewals: true, usageBasedProgram: true },
  { name: 'Tech Data', countries: ['FR', 'US', 'CH'], handlesRenewals: true, usageBasedProgram: false },
  { name: 'Channelworx', countries: ['AU'], handlesRenewals: false, usageBasedProgram: true },
  { name: 'Alstom IT', countries: ['CH', 'FR'], handlesRenewals: true, usageBasedProgram: false },
];
