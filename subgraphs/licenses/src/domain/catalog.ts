export const EDITIONS = ['STANDARD', 'ADVANCED', 'SERVICES'] as const;
export type Edition = (typeof EDITIONS)[number];

/** Enterprise add-ons a SKU may bundle. */
export const ADD_ONS = ['ENCRYPTION', 'DLP', 'DEEP_DISCOVERY'] as const;
export type AddOn = (typeof ADD_ONS)[number];

/** Where a licence runs; changing it costs nothing (portable licences). */
export const DEPLOYMENTS = ['CLOUD', 'HYBRID', 'ON_PREM'] as const;
export type Deployment = (typeof DEPLOYMENTS)[number];

/** TERM: seats bought for a term and renewed; USAGE: seats reported monthly under a master licence. */
export const BILLING_KINDS = ['TERM', 'USAGE'] as const;
export type BillingKind = (typeof BILLING_KINDS)[number];

/** Where a service provider runs a usage deployment. */
export const HOSTINGS = ['HOSTED', 'CUSTOMER_SITE'] as const;
export type Hosting = (typeof HOSTINGS)[number];

export interface SkuFacts {
  code: string;
  productLine: string;
  edition: Edition;
  addOns: AddOn[];
  deployments: Deployment[];
  billing: BillingKind;
}
