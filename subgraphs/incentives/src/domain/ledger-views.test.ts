import { describe, expect, it } from 'vitest';
import { certifiedStaffOn, specializationsOn, tierOn, type CertificationFact } from './ledger-views';

describe('tierOn', () => {
  const assignments = [
    { tierCode: 'SKILL', effectiveFrom: '2026-01-01', recordedAt: new Date('2026-01-01T00:00:00Z') },
    { tierCode: 'EXPERT', effectiveFrom: '2026-08-15', recordedAt: new Date('2026-08-10T00:00:00Z') },
    // Corrected the same day: the later decision wins.
    { tierCode: 'ELITE', effectiveFrom: '2026-08-15', recordedAt: new Date('2026-08-12T00:00:00Z') },
  ];

  it('answers the tier in effect on a date, not today\'s', () => {
    expect(tierOn(assignments, '2025-12-31')).toBeNull();
    expect(tierOn(assignments, '2026-08-14')).toBe('SKILL');
    expect(tierOn(assignments, '2026-08-15')).toBe('ELITE');
  });

  it('does not depend on the order the assignments arrived in', () => {
    expect(tierOn([...assignments].reverse(), '2026-08-15')).toBe('ELITE');
  });
});

describe('certified staff and specializations on a date', () => {
  const certs: CertificationFact[] = [
    { personId: 'ann', specializationCode: 'NETWORK_SECURITY', kind: 'SALES', validFrom: '2026-01-01', validUntil: '2026-06-30' },
    { personId: 'bob', specializationCode: 'NETWORK_SECURITY', kind: 'TECHNICAL', validFrom: '2026-01-01', validUntil: '2027-12-31' },
    { personId: 'bob', specializationCode: 'MSP', kind: 'SALES', validFrom: '2026-01-01', validUntil: '2027-12-31' },
  ];
  const requirements = [
    { code: 'NETWORK_SECURITY', requiredSales: 1, requiredTechnical: 1 },
    { code: 'MSP', requiredSales: 1, requiredTechnical: 1 },
  ];

  it('counts distinct people with a valid certification on the date', () => {
    expect(certifiedStaffOn(certs, '2026-06-30')).toBe(2);
    expect(certifiedStaffOn(certs, '2026-07-01')).toBe(1);
  });

  it('grants a specialization while one sales and one technical person hold valid certifications for it', () => {
    expect(specializationsOn(certs, requirements, '2026-06-30')).toEqual(['NETWORK_SECURITY']);
    expect(specializationsOn(certs, requirements, '2026-07-01')).toEqual([]);
  });
});
