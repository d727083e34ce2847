import { describe, expect, it } from 'vitest';
import type { CertificationFact } from './certified-staff';
import { earnedSpecializations } from './specializations';

const catalog = [
  { code: 'HYBRID_CLOUD_SECURITY', requiredSales: 1, requiredTechnical: 1 },
  { code: 'NETWORK_SECURITY', requiredSales: 1, requiredTechnical: 1 },
];
const cert = (personId: string, specializationCode: string, kind: CertificationFact['kind'], validUntil: string): CertificationFact => ({
  personId,
  specializationCode,
  kind,
  validFrom: '2024-01-01',
  validUntil,
});

describe('earnedSpecializations', () => {
  const certifications = [
    cert('ann', 'NETWORK_SECURITY', 'SALES', '2024-12-31'),
    cert('bob', 'NETWORK_SECURITY', 'TECHNICAL', '2024-09-30'),
    cert('ann', 'HYBRID_CLOUD_SECURITY', 'SALES', '2025-12-31'),
  ];

  it('grants a specialization with one valid sales and one valid technical certification', () => {
    expect(earnedSpecializations(catalog, certifications, '2024-09-30')).toEqual(['NETWORK_SECURITY']);
  });

  it('revokes it the day after the technical certification expires', () => {
    expect(earnedSpecializations(catalog, certifications, '2024-10-01')).toEqual([]);
  });

  it('does not grant a specialization with sales certifications only', () => {
    expect(earnedSpecializations(catalog, certifications, '2024-06-01')).not.toContain('HYBRID_CLOUD_SECURITY');
  });

  it('lets one person with both kinds satisfy both requirements', () => {
    const solo = [cert('cat', 'HYBRID_CLOUD_SECURITY', 'SALES', '2025-01-01'), cert('cat', 'HYBRID_CLOUD_SECURITY', 'TECHNICAL', '2025-01-01')];
    expect(earnedSpecializations(catalog, solo, '2025-01-01')).toEqual(['HYBRID_CLOUD_SECURITY']);
  });
});
