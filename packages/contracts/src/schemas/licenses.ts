import { z } from 'zod';
import { currency, id, isoDate, minorUnits } from './common';

/**
 * Everything a consumer needs about a licence change without calling back: incentives count a
 * renewal's amount as renewal business from `term`, BI follows seats and status.
 */
export const licenseEventV1 = z.object({
  licenseId: id,
  partnerId: id,
  distributorId: id.nullable(),
  programCode: z.string(),
  customer: z.object({ id, name: z.string(), country: z.string(), domain: z.string().nullable() }),
  sku: z.string(),
  productLine: z.string(),
  seats: z.number().int(),
  deployment: z.enum(['CLOUD', 'HYBRID', 'ON_PREM']),
  status: z.enum(['ACTIVE', 'EXPIRED', 'REVOKED']),
  startsOn: isoDate,
  endsOn: isoDate,
  currency,
  sourceDealId: id.nullable(),
  /** The term this change created (issue, renewal), with its amount in minor units. */
  term: z
    .object({
      sequence: z.number().int(),
      kind: z.enum(['INITIAL', 'RENEWAL']),
      startsOn: isoDate,
      endsOn: isoDate,
      months: z.number().int(),
      seats: z.number().int(),
      amountMinor: minorUnits,
      renewedByDistributorId: id.nullable(),
    })
    .nullable(),
  reason: z.string().nullable(),
});

/**
 * A licence whose current term ends within the notice window: the whole licence, `term` its
 * current (latest) term with the amount renewing it would repeat, and the days left until
 * `endsOn`, so a distributor can quote the renewal without calling back. Once per term.
 */
export const licenseExpiringV1 = licenseEventV1.extend({
  daysLeft: z.number().int().nonnegative(),
});

export const masterLicenseGrantedV1 = z.object({
  masterLicenseId: id,
  partnerId: id,
  distributorId: id,
  programCode: z.string(),
  currency,
  grantedOn: isoDate,
});

export const usageDeploymentV1 = z.object({
  deploymentId: id,
  masterLicenseId: id,
  partnerId: id,
  distributorId: id,
  customerId: z.string(),
  sku: z.string(),
  hosting: z.enum(['HOSTED', 'CUSTOMER_SITE']),
  status: z.enum(['ACTIVE', 'REMOVED', 'REVOKED']),
  deployedOn: isoDate,
  endedOn: isoDate.nullable(),
  reason: z.string().nullable(),
});

export const usageReportSubmittedV1 = z.object({
  reportId: id,
  partnerId: id,
  distributorId: id,
  month: z.string().regex(/^\d{4}-\d{2}$/),
  version: z.number().int(),
  supersedes: id.nullable(),
  lines: z.number().int(),
  seats: z.number().int(),
});

/** What incentives and BI learn of an issued statement: every line, amounts in minor units. */
export const usageStatementIssuedV1 = z.object({
  statementId: id,
  partnerId: id,
  distributorId: id,
  programCode: z.string(),
  month: z.string().regex(/^\d{4}-\d{2}$/),
  currency,
  totalMinor: minorUnits,
  reportId: id,
  lines: z.array(z.object({ sku: z.string(), seats: z.number().int(), tierFromSeats: z.number().int(), unitPriceMinor: minorUnits, amountMinor: minorUnits })),
});
