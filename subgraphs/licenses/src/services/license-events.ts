import type { EndCustomerEntity, LicenseEntity, LicenseTermEntity } from '../entities';

/**
 * Everything a consumer needs about a licence change without calling back: incentives count a
 * renewal's amount as renewal business from `term`, BI follows seats and status.
 */
export interface LicenseEventPayload {
  licenseId: string;
  partnerId: string;
  distributorId: string | null;
  programCode: string;
  customer: { id: string; name: string; country: string; domain: string | null };
  sku: string;
  productLine: string;
  seats: number;
  deployment: string;
  status: string;
  startsOn: string;
  endsOn: string;
  currency: string;
  sourceDealId: string | null;
  /** The term this change created (issue, renewal), with its amount in minor units as a decimal string. */
  term: { sequence: number; kind: string; startsOn: string; endsOn: string; months: number; seats: number; amountMinor: string; renewedByDistributorId: string | null } | null;
  reason: string | null;
}

export function licenseEventPayload(license: LicenseEntity, customer: EndCustomerEntity, term: LicenseTermEntity | null = null, reason: string | null = null): LicenseEventPayload {
  return {
    licenseId: license.id,
    partnerId: license.partnerId,
    distributorId: license.distributorId,
    programCode: license.programCode,
    customer: { id: customer.id, name: customer.name, country: customer.country, domain: customer.domain },
    sku: license.sku,
    productLine: license.productLine,
    seats: license.seats,
    deployment: license.deployment,
    status: license.status,
    startsOn: license.startsOn,
    endsOn: license.endsOn,
    currency: license.currency,
    sourceDealId: license.sourceDealId,
    term: term && {
      sequence: term.sequence,
      kind: term.kind,
      startsOn: term.startsOn,
      endsOn: term.endsOn,
      months: term.months,
      seats: term.seats,
      amountMinor: term.amount.toString(),
      renewedByDistributorId: term.kind === 'RENEWAL' ? term.distributorId : null,
    },
    reason,
  };
}
