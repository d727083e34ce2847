import { z } from '@hub/config';
import { formatAmount } from '@hub/domain';
import type { PayoutLine } from '../lines';
import { param, type RuleKindModule } from './kind';

const parameters = z.strictObject({
  /** Tiers that may receive an allocation. */
  eligibleTiers: z.array(param.code),
});
export type MdfParameters = z.infer<typeof parameters>;

export interface ApprovedMdfClaim {
  claimId: string;
  partnerId: string;
  amountMinor: bigint;
  currency: string;
  activity: string;
  proofOfPerformance: string;
  decidedOn: string;
}

/** An approved claim is paid in full in the statement of the quarter it was approved in. */
export function mdfPayout(claim: ApprovedMdfClaim, ruleVersion: number): PayoutLine {
  return {
    rule: 'MDF',
    ruleVersion,
    source: `mdf-claim:${claim.claimId}`,
    baseMinor: claim.amountMinor,
    rate: '100%',
    amountMinor: claim.amountMinor,
    currency: claim.currency,
    explanation: `MDF claim for "${claim.activity}" approved on ${claim.decidedOn} with proof of performance ${claim.proofOfPerformance}: ${formatAmount(claim.amountMinor, claim.currency)} ${claim.currency}`,
    payee: { kind: 'PARTNER', id: claim.partnerId },
  };
}

/** Allocations are checked against the parameters (./mdf.ts); approved claims are paid by the MDF payout source. */
export const MDF = {
  kind: 'MDF',
  explanation: 'Market development funds: partners in the eligible tiers may be allocated funds per quarter; an approved claim against them is paid in full.',
  parameters,
} as const satisfies RuleKindModule<'MDF', MdfParameters>;
