import type { IsoDate } from '@hub/domain';
import { PartnersError } from './errors';
import { assignmentOn, type TierAssignmentFact } from './tier-history';

/**
 * Checks that giving `candidate` its new assignment never puts more than `capacity` partners
 * in the tier on any day from its effective date on. Holders change only on effective dates,
 * so it is enough to count on the new date and on every later effective date in the history.
 * `history` holds every assignment of the partners that ever held or will hold the tier.
 */
export function assertTierHasRoom(
  tier: { code: string; name: string; capacity: number | null },
  history: readonly TierAssignmentFact[],
  candidate: TierAssignmentFact,
): void {
  if (tier.capacity === null) return;
  const withCandidate = [...history, candidate];
  const byPartner = new Map<string, TierAssignmentFact[]>();
  for (const assignment of withCandidate) byPartner.set(assignment.partnerId, [...(byPartner.get(assignment.partnerId) ?? []), assignment]);

  const checkpoints = new Set<IsoDate>([candidate.effectiveFrom]);
  for (const assignment of history) if (assignment.effectiveFrom > candidate.effectiveFrom) checkpoints.add(assignment.effectiveFrom);

  for (const day of [...checkpoints].sort()) {
    let holders = 0;
    for (const assignments of byPartner.values()) if (assignmentOn(assignments, day)?.tierCode === tier.code) holders += 1;
    if (holders > tier.capacity) {
      throw new PartnersError('PARTNERS.TIER_FULL', `${tier.name} is full: at most ${tier.capacity} partners may hold it (on ${day})`, {
        tier: tier.code,
        capacity: tier.capacity,
        date: day,
      });
    }
  }
}
