import { applyRate, formatAmount, formatRate, parseRate, type Rate } from '@hub/domain';
import type { RuleKind } from './rules';

/**
 * One computed line, discount or payout, that explains itself: which rule and version, what it
 * was computed from (source), the base, the rate and the amount, and a sentence saying why.
 */
export interface IncentiveLine {
  rule: RuleKind;
  ruleVersion: number;
  /** `deal:<id>`, `quarter:<partner>:<period>`, `mdf-claim:<id>`, … */
  source: string;
  baseMinor: bigint;
  /** "17.5%"; "—" when the amount is not a rate of the base. */
  rate: string;
  amountMinor: bigint;
  currency: string;
  explanation: string;
}

export interface Payee {
  kind: 'PARTNER' | 'DISTRIBUTOR';
  id: string;
}

export interface PayoutLine extends IncentiveLine {
  payee: Payee;
}

/** `base × rate`, half-up to the minor unit, with the rate as text for the line. */
export function rated(baseMinor: bigint, rateText: string): { rate: Rate; text: string; amountMinor: bigint } {
  const rate = parseRate(rateText);
  return { rate, text: formatRate(rate), amountMinor: applyRate(baseMinor, rate) };
}

export function amountText(minor: bigint, currency: string): string {
  return `${formatAmount(minor, currency)} ${currency}`;
}

/** Adds two rates exactly ("2%" + "2%" = "4%"). */
export function addRates(a: string, b: string): string {
  const x = parseRate(a);
  const y = parseRate(b);
  return formatRate({ numerator: x.numerator * y.denominator + y.numerator * x.denominator, denominator: x.denominator * y.denominator });
}
