import { InvalidInputError, type IsoDate } from '@hub/domain';
import type { PartnerStatus } from './partner-input';

export const REVIEW_OUTCOMES = ['KEEP', 'DOWNGRADE', 'PROBATION', 'TERMINATE'] as const;
export type ReviewOutcome = (typeof REVIEW_OUTCOMES)[number];

/** Why a partner was put on the review list. */
export const REVIEW_FINDINGS = ['TOO_FEW_TRANSACTIONS', 'REVENUE_BELOW_TIER_MINIMUM', 'TOO_FEW_CERTIFIED_STAFF', 'OTHER'] as const;
export type ReviewFinding = (typeof REVIEW_FINDINGS)[number];

export interface ReviewDecision {
  status: PartnerStatus;
  downgrade?: { tierCode: string; effectiveFrom: IsoDate };
}

/**
 * What a review outcome does to the partner: KEEP reinstates it as ACTIVE, PROBATION puts it
 * ON_REVIEW, TERMINATE ends it, DOWNGRADE keeps it active on a lower tier from a given date.
 */
export function decideReview(input: {
  outcome: ReviewOutcome;
  findings: readonly string[];
  newTierCode?: string | null;
  effectiveFrom?: IsoDate | null;
}): ReviewDecision {
  for (const finding of input.findings) {
    if (!(REVIEW_FINDINGS as readonly string[]).includes(finding)) {
      throw new InvalidInputError('findings', `"${finding}" is not one of ${REVIEW_FINDINGS.join(', ')}`);
    }
  }
  switch (input.outcome) {
    case 'KEEP':
      return { status: 'ACTIVE' };
    case 'PROBATION':
      return { status: 'ON_REVIEW' };
    case 'TERMINATE':
      return { status: 'TERMINATED' };
    case 'DOWNGRADE':
      if (!input.newTierCode) throw new InvalidInputError('newTierCode', 'a DOWNGRADE names the tier the partner moves to');
      if (!input.effectiveFrom) throw new InvalidInputError('effectiveFrom', 'a DOWNGRADE needs the date it takes effect');
      return { status: 'ACTIVE', downgrade: { tierCode: input.newTierCode, effectiveFrom: input.effectiveFrom } };
  }
}
