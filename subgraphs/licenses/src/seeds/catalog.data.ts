import type { AddOn, Deployment, Edition } from '../domain';

/*
 * Demo catalog and price book. The shape (product lines, editions, enterprise add-ons,
 * deployment models, about 400 usage SKUs, all-units volume pricing) comes from the trade
 * press; every figure here is demo configuration, loaded into tables that staff can edit.
 */

export interface ProductLineData {
  code: string;
  name: string;
  deployments: Deployment[];
  /** Price per seat-month of the STANDARD usage edition, in euro cents. */
  baseMonthlyEurCents: number;
}

export const PRODUCT_LINES: ProductLineData[] = [
  { code: 'ENDPOINT', name: 'Endpoint Security', deployments: ['CLOUD', 'HYBRID', 'ON_PREM'], baseMonthlyEurCents: 250 },
  { code: 'EMAIL', name: 'Email Security', deployments: ['CLOUD', 'HYBRID', 'ON_PREM'], baseMonthlyEurCents: 180 },
  { code: 'NETWORK', name: 'Network Defense', deployments: ['HYBRID', 'ON_PREM'], baseMonthlyEurCents: 420 },
  { code: 'HYBRID_CLOUD', name: 'Hybrid Cloud Security', deployments: ['CLOUD', 'HYBRID', 'ON_PREM'], baseMonthlyEurCents: 390 },
  { code: 'SERVER', name: 'Server Protection', deployments: ['CLOUD', 'HYBRID', 'ON_PREM'], baseMonthlyEurCents: 560 },
  { code: 'CONTAINER', name: 'Container Security', deployments: ['CLOUD', 'HYBRID'], baseMonthlyEurCents: 610 },
  { code: 'WORKLOAD', name: 'Cloud Workload Protection', deployments: ['CLOUD'], baseMonthlyEurCents: 480 },
  { code: 'WEB_GATEWAY', name: 'Web Gateway', deployments: ['CLOUD', 'ON_PREM'], baseMonthlyEurCents: 150 },
  { code: 'MOBILE', name: 'Mobile Security', deployments: ['CLOUD'], baseMonthlyEurCents: 120 },
  { code: 'CLOUD_APP', name: 'Cloud App Security', deployments: ['CLOUD'], baseMonthlyEurCents: 140 },
  { code: 'XDR', name: 'Extended Detection and Response', deployments: ['CLOUD', 'HYBRID'], baseMonthlyEurCents: 700 },
  { code: 'SANDBOX', name: 'Sandbox Analysis', deployments: ['CLOUD', 'ON_PREM'], baseMonthlyEurCents: 330 },
  { code: 'IPS', name: 'Intrusion Prevention', deployments: ['HYBRID', 'ON_PREM'], baseMonthlyEurCents: 460 },
  { code: 'VULN_MGMT', name: 'Vulnerability Management', deployments: ['CLOUD', 'ON_PREM'], baseMonthlyEurCents: 210 },
  { code: 'ZERO_TRUST', name: 'Zero Trust Access', deployments: ['CLOUD', 'HYBRID'], baseMonthlyEurCents: 300 },
  { code: 'OT', name: 'Industrial (OT) Security', deployments: ['HYBRID', 'ON_PREM'], baseMonthlyEurCents: 820 },
  { code: 'FILE_STORAGE', name: 'File Storage Security', deployments: ['CLOUD', 'HYBRID'], baseMonthlyEurCents: 160 },
  { code: 'COLLABORATION', name: 'Collaboration Security', deployments: ['CLOUD'], baseMonthlyEurCents: 110 },
  { code: 'IDENTITY', name: 'Identity Protection', deployments: ['CLOUD', 'HYBRID'], baseMonthlyEurCents: 270 },
  { code: 'MANAGED_DR', name: 'Managed Detection and Response', deployments: ['CLOUD', 'HYBRID'], baseMonthlyEurCents: 950 },
];

export const EDITION_DATA: Record<Edition, { label: string; abbreviation: string; pricePercent: number }> = {
  STANDARD: { label: 'Standard', abbreviation: 'STD', pricePercent: 100 },
  ADVANCED: { label: 'Advanced', abbreviation: 'ADV', pricePercent: 150 },
  SERVICES: { label: 'Services', abbreviation: 'SVC', pricePercent: 200 },
};

export const ADD_ON_DATA: Record<AddOn, { label: string; abbreviation: string; monthlyEurCents: number }> = {
  ENCRYPTION: { label: 'Encryption', abbreviation: 'ENC', monthlyEurCents: 60 },
  DLP: { label: 'Data Loss Prevention', abbreviation: 'DLP', monthlyEurCents: 80 },
  DEEP_DISCOVERY: { label: 'Deep Discovery', abbreviation: 'DD', monthlyEurCents: 120 },
};

/**
 * Which add-on bundles each edition sells under usage billing: STANDARD alone or with one
 * add-on, ADVANCED and SERVICES with any combination. 20 product lines × 20 = 400 usage SKUs.
 */
export const USAGE_BUNDLES: Record<Edition, AddOn[][]> = {
  STANDARD: [[], ['ENCRYPTION'], ['DLP'], ['DEEP_DISCOVERY']],
  ADVANCED: allSubsets(['ENCRYPTION', 'DLP', 'DEEP_DISCOVERY']),
  SERVICES: allSubsets(['ENCRYPTION', 'DLP', 'DEEP_DISCOVERY']),
};

/** Term SKUs: each product line in STANDARD and ADVANCED, and ADVANCED with the full enterprise suite. */
export const TERM_BUNDLES: { edition: Edition; addOns: AddOn[] }[] = [
  { edition: 'STANDARD', addOns: [] },
  { edition: 'ADVANCED', addOns: [] },
  { edition: 'ADVANCED', addOns: ['ENCRYPTION', 'DLP', 'DEEP_DISCOVERY'] },
];

/** A seat-year on a term licence costs this many seat-months of the usage price (two months free). */
export const TERM_MONTHS_CHARGED_PER_YEAR = 10;

/** All-units volume tiers of the usage schedule: from this many seats, this share of the list price. */
export const USAGE_VOLUME_TIERS: { fromSeats: number; pricePercent: number }[] = [
  { fromSeats: 1, pricePercent: 100 },
  { fromSeats: 100, pricePercent: 90 },
  { fromSeats: 500, pricePercent: 80 },
  { fromSeats: 1000, pricePercent: 70 },
];

/** One price book per program currency, converted from euro at a fixed demo rate (percent). */
export const PRICE_BOOK_CURRENCIES: { currency: string; percentOfEur: number }[] = [
  { currency: 'EUR', percentOfEur: 100 },
  { currency: 'CHF', percentOfEur: 95 },
  { currency: 'AUD', percentOfEur: 165 },
  { currency: 'USD', percentOfEur: 108 },
];

export const PRICE_BOOK_EFFECTIVE_FROM = '2020-01-01';

export const LICENSE_POLICIES = [
  { programCode: 'FR-2023', defaultTermMonths: 12, usageLockDay: 10 },
  { programCode: 'CH-2011', defaultTermMonths: 12, usageLockDay: 10 },
  { programCode: 'AU-2014', defaultTermMonths: 12, usageLockDay: 7 },
  { programCode: 'US-2014', defaultTermMonths: 12, usageLockDay: 10 },
];

function allSubsets<T>(items: T[]): T[][] {
  return items.reduce<T[][]>((subsets, item) => [...subsets, ...subsets.map((subset) => [...subset, item])], [[]]);
}
