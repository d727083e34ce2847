import { InvalidInputError } from './errors';

/** Money as integer minor units of a currency: never a float. */
export interface Money {
  readonly minor: bigint;
  readonly currency: string;
}

const MINOR_DIGITS: Readonly<Record<string, number>> = { JPY: 0, KRW: 0, BHD: 3, KWD: 3 };

/** Digits after the decimal point for an ISO 4217 currency (2 unless listed). */
export function minorDigits(currency: string): number {
  return MINOR_DIGITS[currency] ?? 2;
}

const CURRENCY = /^[A-Z]{3}$/;
const DECIMAL = /^(-)?(\d+)(?:\.(\d+))?$/;

/**
 * The largest amount, in minor units, the hub accepts or stores: 2^53 − 1 (about 90 trillion
 * euros). It fits a signed 64-bit BIGINT column with room for sums, and it is exact as a
 * JavaScript number, which is how the embedded SQLite driver reads integers back; beyond it a
 * stored 90071992547409.93 would read back as …92.
 */
export const MAX_AMOUNT_MINOR = BigInt(Number.MAX_SAFE_INTEGER);

/** Whether `minor` lies within ±MAX_AMOUNT_MINOR, so it is stored and read back exactly on every dialect. */
export function isStorableAmount(minor: bigint): boolean {
  return minor <= MAX_AMOUNT_MINOR && minor >= -MAX_AMOUNT_MINOR;
}

/** Refuses an amount (given or derived, such as seats × unit price) beyond ±MAX_AMOUNT_MINOR, naming the field. */
export function checkAmount(field: string, minor: bigint, currency: string): bigint {
  if (!isStorableAmount(minor)) {
    throw new InvalidInputError(field, `amounts are limited to ${formatAmount(MAX_AMOUNT_MINOR, currency)} ${currency} in absolute value`);
  }
  return minor;
}

export function money(minor: bigint, currency: string): Money {
  return { minor, currency };
}

/**
 * Parses an exact decimal string ("3925.50") into minor units; more digits than the currency
 * has, or an amount beyond ±MAX_AMOUNT_MINOR, is an error naming the field.
 */
export function parseMoney(field: string, amount: string, currency: string): Money {
  if (!CURRENCY.test(currency)) throw new InvalidInputError(field, `"${currency}" is not an ISO 4217 currency code`);
  // Longer than any storable amount could be written: refused before parsing a huge number.
  if (amount.length > 40) throw new InvalidInputError(field, `"${amount.slice(0, 40)}…" is not a decimal amount`);
  const match = DECIMAL.exec(amount.trim());
  if (!match) throw new InvalidInputError(field, `"${amount}" is not a decimal amount`);
  const [, sign, whole, fraction = ''] = match;
  const digits = minorDigits(currency);
  if (fraction.length > digits) throw new InvalidInputError(field, `"${amount}" has more than ${digits} decimal places for ${currency}`);
  const minor = BigInt(whole! + fraction.padEnd(digits, '0'));
  return money(checkAmount(field, sign ? -minor : minor, currency), currency);
}

/** Formats minor units as an exact decimal string with the currency's minor digits. */
export function formatAmount(minor: bigint, currency: string): string {
  const digits = minorDigits(currency);
  const negative = minor < 0n;
  const abs = (negative ? -minor : minor).toString().padStart(digits + 1, '0');
  const whole = abs.slice(0, abs.length - digits);
  const fraction = abs.slice(abs.length - digits);
  return `${negative ? '-' : ''}${whole}${digits > 0 ? `.${fraction}` : ''}`;
}

/** A rate as an exact fraction, parsed from a decimal string such as "0.175" or "17.5%". */
export interface Rate {
  readonly numerator: bigint;
  readonly denominator: bigint;
}

export function parseRate(value: string): Rate {
  const percent = value.trim().endsWith('%');
  const text = percent ? value.trim().slice(0, -1).trim() : value.trim();
  const match = DECIMAL.exec(text);
  if (!match) throw new InvalidInputError('rate', `"${value}" is not a decimal rate`);
  const [, sign, whole, fraction = ''] = match;
  const numerator = BigInt(whole! + fraction) * (sign ? -1n : 1n);
  const denominator = 10n ** BigInt(fraction.length) * (percent ? 100n : 1n);
  return { numerator, denominator };
}

/** `minor × rate`, rounded half away from zero to the minor unit. */
export function applyRate(minor: bigint, rate: Rate): bigint {
  const product = minor * rate.numerator;
  const negative = product < 0n !== rate.denominator < 0n;
  const absProduct = product < 0n ? -product : product;
  const absDenominator = rate.denominator < 0n ? -rate.denominator : rate.denominator;
  const rounded = (absProduct * 2n + absDenominator) / (absDenominator * 2n);
  return negative ? -rounded : rounded;
}

/** A rate as a percentage with only the decimals it needs: "17.5%", "5%". */
export function formatRate(rate: Rate): string {
  const percent = rate.numerator * 100n;
  for (let places = 0; places <= 8; places += 1) {
    const scaled = percent * 10n ** BigInt(places);
    if (scaled % rate.denominator !== 0n) continue;
    const units = scaled / rate.denominator;
    if (places === 0) return `${units}%`;
    const negative = units < 0n;
    const digits = (negative ? -units : units).toString().padStart(places + 1, '0');
    return `${negative ? '-' : ''}${digits.slice(0, -places)}.${digits.slice(-places)}%`;
  }
  return `${rate.numerator}/${rate.denominator}`;
}
