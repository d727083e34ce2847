import type { PayoutLine } from './lines';

export interface AssembledStatement {
  lines: PayoutLine[];
  totalMinor: bigint;
}

/**
 * A payee's lines in one canonical order (source, rule, version, amount) with their total, so
 * the same facts always give the same statement whatever order the events arrived in.
 */
export function assembleStatement(lines: readonly PayoutLine[]): AssembledStatement {
  const sorted = [...lines].sort(
    (a, b) =>
      compare(a.source, b.source) ||
      compare(a.rule, b.rule) ||
      a.ruleVersion - b.ruleVersion ||
      (a.amountMinor < b.amountMinor ? -1 : a.amountMinor > b.amountMinor ? 1 : 0) ||
      compare(a.explanation, b.explanation),
  );
  return { lines: sorted, totalMinor: sorted.reduce((sum, line) => sum + line.amountMinor, 0n) };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
