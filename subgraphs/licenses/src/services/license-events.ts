import type { LicenseEventType, LicensesPayload } from './events';
import type { EndCustomerEntity, LicenseEntity, LicenseTermEntity } from '../entities';

/** What every licence.* event carries, as the event catalogue declares it. */
export type LicenseEventPayload = LicensesPayload<LicenseEventType>;

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
