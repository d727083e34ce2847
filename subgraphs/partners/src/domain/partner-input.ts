import { COUNTRY_CODES, InvalidInputError } from '@hub/domain';

export const PARTNER_STATUSES = ['ACTIVE', 'ON_REVIEW', 'TERMINATED'] as const;
export type PartnerStatus = (typeof PARTNER_STATUSES)[number];
export const SEGMENTS = ['SMB', 'ENTERPRISE'] as const;
export type Segment = (typeof SEGMENTS)[number];
export const BUSINESS_MODELS = ['RESELLER', 'MSP', 'MSSP', 'SERVICE_PROVIDER'] as const;
export type BusinessModel = (typeof BUSINESS_MODELS)[number];

const MAX_NAME_LENGTH = 200;

export function validName(field: string, value: string): string {
  const name = value.trim().replace(/\s+/g, ' ');
  if (name === '') throw new InvalidInputError(field, 'must not be empty');
  if (name.length > MAX_NAME_LENGTH) throw new InvalidInputError(field, `must be at most ${MAX_NAME_LENGTH} characters`);
  return name;
}

export function validCountry(field: string, value: string, programCountries?: readonly string[], programCode?: string): string {
  const country = value.trim().toUpperCase();
  if (!COUNTRY_CODES.has(country)) throw new InvalidInputError(field, `"${value}" is not an ISO 3166-1 alpha-2 country code`);
  if (programCountries && !programCountries.includes(country)) {
    throw new InvalidInputError(field, `${programCode ?? 'the program'} covers ${programCountries.join(', ')}, not ${country}`);
  }
  return country;
}

export function validBusinessModels(field: string, values: readonly string[]): BusinessModel[] {
  if (values.length === 0) throw new InvalidInputError(field, 'name at least one business model');
  const unique = [...new Set(values)];
  for (const value of unique) {
    if (!(BUSINESS_MODELS as readonly string[]).includes(value)) {
      throw new InvalidInputError(field, `"${value}" is not one of ${BUSINESS_MODELS.join(', ')}`);
    }
  }
  return unique as BusinessModel[];
}

/** Optional free text: blank is absent; longer than the column is bad input, not a database error. */
export function optionalText(field: string, value: string | null | undefined, maxLength: number): string | null {
  const text = value?.trim() ?? '';
  if (text.length > maxLength) throw new InvalidInputError(field, `must be at most ${maxLength} characters`);
  return text === '' ? null : text;
}

export function requiredText(field: string, value: string, maxLength: number): string {
  const text = optionalText(field, value, maxLength);
  if (text === null) throw new InvalidInputError(field, 'must not be empty');
  return text;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function validEmail(field: string, value: string): string {
  const email = value.trim().toLowerCase();
  if (email.length > 254 || !EMAIL.test(email)) throw new InvalidInputError(field, `"${value}" is not an email address`);
  return email;
}
