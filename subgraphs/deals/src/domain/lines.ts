import { InvalidInputError, parseMoney } from '@hub/domain';

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

const MAX_LINES = 200;
const MAX_SEATS_PER_LINE = 1_000_000;

/** Validates the lines and derives the deal's seats and amount from them; names the bad field. */
export function priceLines(lines: readonly DealLineInput[], currency: string): PricedDeal {
  if (lines.length === 0) throw new InvalidInputError('lines', 'a deal needs at least one line');
  if (lines.length > MAX_LINES) throw new InvalidInputError('lines', `at most ${MAX_LINES} lines`);
  const priced = lines.map((line, i) => {
    const sku = line.sku.trim();
    if (sku === '') throw new InvalidInputError(`lines[${i}].sku`, 'must not be empty');
    if (!Number.isInteger(line.seats) || line.seats <= 0) throw new InvalidInputError(`lines[${i}].seats`, `must be a whole number above zero, got ${line.seats}`);
    if (line.seats > MAX_SEATS_PER_LINE) throw new InvalidInputError(`lines[${i}].seats`, `must be at most ${MAX_SEATS_PER_LINE}`);
    const unitPrice = parseMoney(`lines[${i}].unitPrice`, line.unitPrice, currency).minor;
    if (unitPrice < 0n) throw new InvalidInputError(`lines[${i}].unitPrice`, 'must not be negative');
    return { sku, seats: line.seats, unitPrice, amount: unitPrice * BigInt(line.seats) };
  });
  return {
    lines: priced,
    seats: priced.reduce((sum, line) => sum + line.seats, 0),
    amount: priced.reduce((sum, line) => sum + line.amount, 0n),
  };
}
