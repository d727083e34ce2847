import { z } from '@hub/config';
import { formatAmount } from '@hub/domain';
import type { PayoutLine } from '../lines';
import type { Quarter } from '../periods';
import type { RuleKindModule } from './kind';

/**
 * Every clawback line takes back an amount at -100 %: the base is what is taken back, the
 * amount its negation, so a reader sees one format whatever was reversed.
 */
const TAKEN_BACK = '-100%';

/**
 * Undoes a line already paid (in an approved or paid statement) for a deal that was reversed:
 * the same base, the negated amount, and the original rule named in the explanation.
 */
export function clawback(original: PayoutLine & { ruleVersion: number }, reversedOn: string, statementPeriod: string): PayoutLine {
  return {
    ...original,
    rule: 'CLAWBACK',
    rate: TAKEN_BACK,
    amountMinor: -original.amountMinor,
    explanation: `Clawback: ${original.source} was reversed on ${reversedOn}; ${original.rule} v${original.ruleVersion} of ${formatAmount(original.amountMinor, original.currency)} ${original.currency} paid in ${statementPeriod} is taken back`,
  };
}

export interface QuarterRebateReversal {
  /** The frozen quarter-level line (`quarter:<partner>:<period>`) whose deals were partly reversed. */
  original: { rule: string; ruleVersion: number; source: string; amountMinor: bigint; currency: string; paidPeriod: Quarter };
  partnerId: string;
  quarter: Quarter;
  /** What the line would pay without the reversed deals (0 below the first band). */
  recomputedMinor: bigint;
  /** What frozen statements hold for the source already: the original plus earlier clawbacks. */
  settledMinor: bigint;
  reversals: number;
  latestReversal: string;
}

/**
 * The part of a paid quarter-level rebate that deals reversed since no longer earn: the rebate
 * recomputed without them, less what frozen statements already settled. Null when nothing is due.
 */
export function quarterRebateClawback(reversal: QuarterRebateReversal): PayoutLine | null {
  const { original, recomputedMinor, settledMinor } = reversal;
  const takenBack = settledMinor - recomputedMinor;
  if (takenBack === 0n) return null;
  const money = (minor: bigint) => `${formatAmount(minor, original.currency)} ${original.currency}`;
  return {
    rule: 'CLAWBACK',
    ruleVersion: original.ruleVersion,
    source: original.source,
    baseMinor: takenBack,
    rate: TAKEN_BACK,
    amountMinor: -takenBack,
    currency: original.currency,
    explanation:
      `Clawback: ${reversal.reversals} deal${reversal.reversals === 1 ? '' : 's'} of ${reversal.quarter} reversed (latest ${reversal.latestReversal}); the ${original.rule} v${original.ruleVersion} of ` +
      `${money(original.amountMinor)} paid in ${original.paidPeriod} is now ${money(recomputedMinor)}`,
    payee: { kind: 'PARTNER', id: reversal.partnerId },
  };
}

/** No parameters: a clawback undoes what another kind paid, under that kind's version. */
export const CLAWBACK = {
  kind: 'CLAWBACK',
  explanation: 'Takes back, in the first open quarter after a reversal, what approved or paid statements paid on the reversed deals (and the part of a quarterly rebate they no longer earn).',
  parameters: z.strictObject({}),
} as const satisfies RuleKindModule<'CLAWBACK', Record<string, never>>;
