import type { IsoDate } from '@hub/domain';
import { isValidOn, type CertificationFact } from './certified-staff';

export interface SpecializationRequirement {
  code: string;
  /** Distinct people with a valid SALES certification for this specialization (demo: 1). */
  requiredSales: number;
  /** Distinct people with a valid TECHNICAL certification for this specialization (demo: 1). */
  requiredTechnical: number;
}

/**
 * The specializations a partner holds on `asOf`: those for which enough distinct people hold
 * valid sales and technical certifications. Returned in catalog order.
 */
export function earnedSpecializations(
  catalog: readonly SpecializationRequirement[],
  certifications: readonly CertificationFact[],
  asOf: IsoDate,
): string[] {
  const valid = certifications.filter((c) => isValidOn(c, asOf));
  return catalog
    .filter((specialization) => {
      const holders = (kind: CertificationFact['kind']) =>
        new Set(valid.filter((c) => c.specializationCode === specialization.code && c.kind === kind).map((c) => c.personId)).size;
      return holders('SALES') >= specialization.requiredSales && holders('TECHNICAL') >= specialization.requiredTechnical;
    })
    .map((specialization) => specialization.code);
}
