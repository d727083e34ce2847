import type { IsoDate } from '@hub/domain';

export interface TierAssignmentFact {
  partnerId: string;
  tierCode: string;
  effectiveFrom: IsoDate;
  /** Orders two assignments with the same effective date: the later decision wins. */
  sequence: number;
}

/** The assignment in force on `asOf`: the latest effective date not after it, last decided first. */
export function assignmentOn<T extends TierAssignmentFact>(assignments: readonly T[], asOf: IsoDate): T | undefined {
  let current: T | undefined;
  for (const assignment of assignments) {
    if (assignment.effectiveFrom > asOf) continue;
    if (
      !current ||
      assignment.effectiveFrom > current.effectiveFrom ||
      (assignment.effectiveFrom === current.effectiveFrom && assignment.sequence > current.sequence)
    ) {
      current = assignment;
    }
  }
  return current;
}

/** Numbers assignments in the order they were decided (ids are time-ordered), for `assignmentOn`. */
export function inDecisionOrder<T extends { id: string }>(assignments: readonly T[]): (T & { sequence: number })[] {
  return [...assignments].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)).map((a, sequence) => ({ ...a, sequence }));
}
