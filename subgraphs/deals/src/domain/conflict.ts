import type { IsoDate } from '@hub/domain';
import type { DealStatus } from './lifecycle';
import { HOLDING_STATUSES } from './lifecycle';
import { isExpiredOn } from './validity';

// Legal-form words that do not tell two customers apart ("Acme SA" is "ACME S.A.").
const LEGAL_FORMS = new Set([
  'inc', 'incorporated', 'corp', 'corporation', 'co', 'company', 'ltd', 'limited', 'llc', 'plc', 'gmbh', 'ag', 'sa', 'sas',
  'sarl', 'srl', 'spa', 'bv', 'nv', 'oy', 'ab', 'as', 'pty', 'kg', 'se', 'the',
]);

/** "ACME S.A." and "Acme, SA" are one customer: lower case, no accents, punctuation or legal form. */
export function normalizeCustomerName(name: string): string {
  const words = name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/\b([a-z])\.(?=[a-z]\.)/g, '$1')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()
    .split(' ')
    .filter((word) => word !== '');
  const significant = words.filter((word) => !LEGAL_FORMS.has(word));
  return (significant.length > 0 ? significant : words).join(' ');
}

/** "https://www.Acme.com/" → "acme.com"; null when absent or blank. */
export function normalizeDomain(domain: string | null | undefined): string | null {
  if (!domain) return null;
  const host = domain
    .trim()
    .toLowerCase()
    .replace(/^[a-z]+:\/\//, '')
    .replace(/[/?#].*$/, '')
    .replace(/^www\./, '')
    .replace(/\.$/, '');
  return host === '' ? null : host;
}

export interface RegistrationClaim {
  id: string;
  partnerId: string;
  productLine: string;
  customerKey: string;
  customerDomain: string | null;
  status: DealStatus;
  expiresAt: IsoDate | null;
  registeredAt: Date;
}

/**
 * The registration that already holds this end customer and product line for another partner
 * (submitted, or approved and not expired), oldest first: the first registration is protected.
 */
export function findConflict(
  candidate: Pick<RegistrationClaim, 'partnerId' | 'productLine' | 'customerKey' | 'customerDomain'>,
  existing: readonly RegistrationClaim[],
  today: IsoDate,
): RegistrationClaim | undefined {
  return existing
    .filter(
      (other) =>
        other.partnerId !== candidate.partnerId &&
        other.productLine === candidate.productLine &&
        HOLDING_STATUSES.includes(other.status) &&
        !(other.status === 'APPROVED' && other.expiresAt !== null && isExpiredOn(other.expiresAt, today)) &&
        (other.customerKey === candidate.customerKey || (candidate.customerDomain !== null && other.customerDomain === candidate.customerDomain)),
    )
    .sort((a, b) => a.registeredAt.getTime() - b.registeredAt.getTime())[0];
}
