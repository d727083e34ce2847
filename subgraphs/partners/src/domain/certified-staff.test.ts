import { describe, expect, it } from 'vitest';
import { countCertifiedStaff, type CertificationFact } from './certified-staff';

const cert = (personId: string, validFrom: string, validUntil: string, kind: CertificationFact['kind'] = 'SALES'): CertificationFact => ({
  personId,
  specializationCode: 'NETWORK_SECURITY',
  kind,
  validFrom,
  validUntil,
});

describe('countCertifiedStaff', () => {
  const certifications = [cert('ann', '2024-01-01', '2024-12-31'), cert('ann', '2024-06-01', '2025-05-31', 'TECHNICAL'), cert('bob', '2024-03-01', '2024-06-30')];

  it('counts a person once however many certifications they hold', () => {
    expect(countCertifiedStaff(certifications, '2024-06-15')).toBe(2);
  });

  it('still counts a certification on its last day and not the day after', () => {
    expect(countCertifiedStaff(certifications, '2024-06-30')).toBe(2);
    expect(countCertifiedStaff(certifications, '2024-07-01')).toBe(1);
  });

  it('does not count a certification before its first day', () => {
    expect(countCertifiedStaff(certifications, '2024-02-29')).toBe(1);
    expect(countCertifiedStaff(certifications, '2024-03-01')).toBe(2);
  });

  it('counts nobody once every certification has lapsed', () => {
    expect(countCertifiedStaff(certifications, '2025-06-01')).toBe(0);
  });
});
