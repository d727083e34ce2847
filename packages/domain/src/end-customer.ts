import { COUNTRY_CODES } from './country-codes';
import { InvalidInputError } from './errors';

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

export interface EndCustomerInput {
  name: string;
  country: string;
  domain?: string | null;
}

/** An end customer as stored: display name, the key that identifies it, country and domain. */
export interface EndCustomer {
  name: string;
  key: string;
  country: string;
  domain: string | null;
}

const MAX_NAME = 200;

/** Validates an end customer at the edge; `field` prefixes the failing field (`endCustomer.country`). */
export function parseEndCustomer(field: string, input: EndCustomerInput): EndCustomer {
  const name = input.name.trim().replace(/\s+/g, ' ');
  if (name === '') throw new InvalidInputError(`${field}.name`, 'must not be empty');
  if (name.length > MAX_NAME) throw new InvalidInputError(`${field}.name`, `must be at most ${MAX_NAME} characters`);
  const country = input.country.trim().toUpperCase();
  if (!COUNTRY_CODES.has(country)) throw new InvalidInputError(`${field}.country`, `"${input.country}" is not an ISO 3166-1 alpha-2 country code`);
  const domain = normalizeDomain(input.domain);
  if (domain !== null && (domain.length > 253 || !/^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(domain))) {
    throw new InvalidInputError(`${field}.domain`, `"${input.domain}" is not a domain name`);
  }
  // "&" becomes " and ": the key can outgrow the name, and it is kept in a column as long as the name's.
  const key = normalizeCustomerName(name);
  if (key.length > MAX_NAME) throw new InvalidInputError(`${field}.name`, `must be at most ${MAX_NAME} characters once normalised ("&" counts as " and ")`);
  return { name, key, country, domain };
}
