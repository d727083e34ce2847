import { checkYear, InvalidInputError, type IsoDate } from '@hub/domain';

/** A statement period: a quarter, `2026-Q3`. */
export type Quarter = string;

const QUARTER = /^(\d{4})-Q([1-4])$/;

export function parseQuarter(field: string, value: string): Quarter {
  if (!QUARTER.test(value)) throw new InvalidInputError(field, `"${value}" is not a quarter (YYYY-Qn)`);
  checkYear(field, Number(value.slice(0, 4)), value);
  return value;
}

export function quarterOf(date: IsoDate): Quarter {
  const month = Number(date.slice(5, 7));
  return `${date.slice(0, 4)}-Q${Math.ceil(month / 3)}`;
}

/** First and last day of a quarter, both inclusive. */
export function quarterBounds(quarter: Quarter): { from: IsoDate; to: IsoDate } {
  const [, year, q] = QUARTER.exec(quarter)!;
  const firstMonth = (Number(q) - 1) * 3 + 1;
  const from = `${year}-${String(firstMonth).padStart(2, '0')}-01`;
  const to = new Date(Date.UTC(Number(year), firstMonth + 2, 0)).toISOString().slice(0, 10);
  return { from, to };
}

export function nextQuarter(quarter: Quarter): Quarter {
  const [, year, q] = QUARTER.exec(quarter)!;
  return Number(q) === 4 ? `${Number(year) + 1}-Q1` : `${year}-Q${Number(q) + 1}`;
}

/**
 * The quarters a payee's statement is approved or paid in. What lands "in the first open
 * quarter" (a clawback, a late payout) skips them: a frozen statement never changes.
 */
export class FrozenPeriods {
  private readonly frozen: Set<string>;

  constructor(statements: readonly { payeeId: string; period: Quarter }[]) {
    this.frozen = new Set(statements.map((st) => `${st.payeeId}:${st.period}`));
  }

  has(payeeId: string, quarter: Quarter): boolean {
    return this.frozen.has(`${payeeId}:${quarter}`);
  }

  /** `from` itself when it is open, else the first open quarter after it. */
  firstOpenFrom(payeeId: string, from: Quarter): Quarter {
    let quarter = from;
    while (this.has(payeeId, quarter)) quarter = nextQuarter(quarter);
    return quarter;
  }
}
