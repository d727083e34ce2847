import type { IsoDate } from '@hub/domain';

/*
 * Questions asked of effective-dated ledger facts, answered for one date: the tier a partner
 * held, the specializations it had earned, the people it had certified.
 */

export interface TierAssignmentFact {
  tierCode: string;
  effectiveFrom: IsoDate;
  /** Orders assignments effective the same day: the later decision wins. */
  recordedAt: Date;
}

/** The tier in effect on `date`: the latest assignment effective on or before it. */
export function tierOn(assignments: readonly TierAssignmentFact[], date: IsoDate): string | null {
  let found: TierAssignmentFact | null = null;
  for (const assignment of assignments) {
    if (assignment.effectiveFrom > date) continue;
    if (
      !found ||
      assignment.effectiveFrom > found.effectiveFrom ||
      (assignment.effectiveFrom === found.effectiveFrom && assignment.recordedAt.getTime() > found.recordedAt.getTime())
    ) {
      found = assignment;
    }
  }
  return found?.tierCode ?? null;
}

export interface CertificationFact {
  personId: string;
  specializationCode: string;
  kind: 'SALES' | 'TECHNICAL';
  validFrom: IsoDate;
  validUntil: IsoDate;
}

export interface SpecializationRequirement {
  code: string;
  requiredSales: number;
  requiredTechnical: number;
}

const validOn = (c: CertificationFact, date: IsoDate) => c.validFrom <= date && date <= c.validUntil;

/** Distinct people holding at least one valid certification on the date. */
export function certifiedStaffOn(certifications: readonly CertificationFact[], date: IsoDate): number {
  return new Set(certifications.filter((c) => validOn(c, date)).map((c) => c.personId)).size;
}

/** Specializations earned on the date: enough distinct certified people of each kind for it. */
export function specializationsOn(certifications: readonly CertificationFact[], requirements: readonly SpecializationRequirement[], date: IsoDate): string[] {
  const earned: string[] = [];
  for (const requirement of requirements) {
    const valid = certifications.filter((c) => c.specializationCode === requirement.code && validOn(c, date));
    const sales = new Set(valid.filter((c) => c.kind === 'SALES').map((c) => c.personId)).size;
    const technical = new Set(valid.filter((c) => c.kind === 'TECHNICAL').map((c) => c.personId)).size;
    if (sales >= requirement.requiredSales && technical >= requirement.requiredTechnical) earned.push(requirement.code);
  }
  return earned.sort();
}
