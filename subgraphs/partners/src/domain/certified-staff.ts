import type { IsoDate } from '@hub/domain';

export type CertificationKind = 'SALES' | 'TECHNICAL';

export interface CertificationFact {
  personId: string;
  specializationCode: string;
  kind: CertificationKind;
  validFrom: IsoDate;
  /** Inclusive: a certification is still valid on its last day. */
  validUntil: IsoDate;
}

export function isValidOn(certification: Pick<CertificationFact, 'validFrom' | 'validUntil'>, asOf: IsoDate): boolean {
  return certification.validFrom <= asOf && asOf <= certification.validUntil;
}

/** Certified staff: distinct people holding at least one valid certification on `asOf`. */
export function countCertifiedStaff(certifications: readonly CertificationFact[], asOf: IsoDate): number {
  return new Set(certifications.filter((c) => isValidOn(c, asOf)).map((c) => c.personId)).size;
}
