import { checkAmount, InvalidInputError, minorDigits, parseMoney } from '@hub/domain';

export interface DealLineInput {
  sku: string;
  seats: number;
  /** Recommended partner buy price per seat, an exact decimal in the deal's currency. */
  unitPrice: string;
}

export interface PricedLine {
  sku: string;
  seats: number;
  unitPrice: bigint;
  amount: bigint;
}

export interface PricedDeal {
  lines: PricedLine[];
  seats: number;
  amount: bigint;
}

/*
 * Limits of a registration (api.md): at most 200 lines; per line at most 1,000,000 seats, a SKU
 * of at most 80 characters and a unit price of at most 1,000,000,000 in major units of the deal
 * currency; each line's amount and the deal's total within MAX_AMOUNT_MINOR (2^53 − 1 minor
 * units), so they are stored and read back exactly on MySQL and SQLite alike.
 */
export const MAX_LINES = 200;
export const MAX_SEATS_PER_LINE = 1_000_000;
export const MAX_SKU_LENGTH = 80;
export const MAX_UNIT_PRICE_MAJOR = 1_000_000_000n;

/** Validates the lines and derives the deal's seats and amount from them; names the bad field. */
export function priceLines(lines: readonly DealLineInput[], currency: string): PricedDeal {
  if (lines.length === 0) throw new InvalidInputError('lines', 'a deal needs at least one line');
  if (lines.length > MAX_LINES) throw new InvalidInputError('lines', `at most ${MAX_LINES} lines`);
  const priced = lines.map((line, i) => {
    const sku = line.sku.trim();
    if (sku === '') throw new InvalidInputError(`lines[${i}].sku`, 'must not be empty');
    if (sku.length > MAX_SKU_LENGTH) throw new InvalidInputError(`lines[${i}].sku`, `must be at most ${MAX_SKU_LENGTH} characters`);
    if (!Number.isInteger(line.seats) || line.seats <= 0) throw new InvalidInputError(`lines[${i}].seats`, `must be a whole number above zero, got ${line.seats}`);
    if (line.seats > MAX_SEATS_PER_LINE) throw new InvalidInputError(`lines[${i}].seats`, `must be at most ${MAX_SEATS_PER_LINE}`);
    const unitPrice = parseMoney(`lines[${i}].unitPrice`, line.unitPrice, currency).minor;
    if (unitPrice < 0n) throw new InvalidInputError(`lines[${i}].unitPrice`, 'must not be negative');
    if (unitPrice > MAX_UNIT_PRICE_MAJOR * 10n ** BigInt(minorDigits(currency))) {
      throw new InvalidInputError(`lines[${i}].unitPrice`, `must be at most ${MAX_UNIT_PRICE_MAJOR} ${currency}`);
    }
    const amount = checkAmount(`lines[${i}]`, unitPrice * BigInt(line.seats), currency);
    return { sku, seats: line.seats, unitPrice, amount };
  });
  return {
    lines: priced,
    seats: priced.reduce((sum, line) => sum + line.seats, 0),
    amount: checkAmount('lines', priced.reduce((sum, line) => sum + line.amount, 0n), currency),
  };
}
