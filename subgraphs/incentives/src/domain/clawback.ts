import { formatAmount } from '@hub/domain';
import type { PayoutLine } from './lines';

/**
 * Undoes a line already paid (in an approved or paid statement) for a deal that was reversed:
 * the same base, the negated amount, and the original rule named in the explanation.
 */
export function clawback(original: PayoutLine & { ruleVersion: number }, reversedOn: string, statementPeriod: string): PayoutLine {
  return {
    ...original,
    rule: 'CLAWBACK',
    rate: '-100%',
    amountMinor: -original.amountMinor,
    explanation: `Clawback: ${original.source} was reversed on ${reversedOn}; ${original.rule} v${original.ruleVersion} of ${formatAmount(original.amountMinor, original.currency)} ${original.currency} paid in ${statementPeriod} is taken back`,
  };
}
