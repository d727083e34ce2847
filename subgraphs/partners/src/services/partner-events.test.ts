import { describe, expect, it } from 'vitest';
import { contractOf, type EventType } from '@hub/contracts';
import { CertificationEntity, DistributorEntity, PartnerEntity, ProgramEntity, SpecializationEntity, TierAssignmentEntity, TierEntity } from '../entities';
import { certificationAddedPayload, distributorSnapshot, partnerSnapshot, programSnapshot, tierAssignedPayload } from './partner-events';

const PARTNER = '01900000-0000-7000-8000-000000000001';
const DISTRIBUTORS = ['01900000-0000-7000-8000-000000000012', '01900000-0000-7000-8000-000000000002'];

const partner = Object.assign(new PartnerEntity(), {
  id: PARTNER,
  name: 'Alpha Sécurité SARL',
  country: 'FR',
  programCode: 'FR-2023',
  status: 'ACTIVE' as const,
  segmentFocus: 'SMB' as const,
  businessModels: ['RESELLER' as const],
  channelManager: null,
});
const program = Object.assign(new ProgramEntity(), { code: 'FR-2023', name: 'France 2023', currency: 'EUR', countries: ['FR'], version: 3, effectiveFrom: '2023-01-01', effectiveTo: null, noDowngradeUntil: '2024-12-31' });
const tiers = ['REGISTERED', 'EXPERT'].map((code, i) =>
  Object.assign(new TierEntity(), { id: `tier-${i}`, programCode: 'FR-2023', code, name: code, rank: i + 1, minCertifiedStaff: i * 5, minRevenue: BigInt(i) * 10_000_000n, capacity: i ? 40 : null, legacyNames: [] }),
);
const specializations = [Object.assign(new SpecializationEntity(), { id: 's', programCode: 'FR-2023', code: 'NETWORK_SECURITY', name: 'Network Security', productLine: 'NETWORK', requiredSales: 1, requiredTechnical: 2 })];
const assignment = Object.assign(new TierAssignmentEntity(), { id: 'a', partnerId: PARTNER, tierCode: 'EXPERT', effectiveFrom: '2026-07-01', reason: 'annual review', assignedBy: 'cm@vendor', assignedAt: new Date() });
const certification = Object.assign(new CertificationEntity(), {
  id: '01900000-0000-7000-8000-00000000000c',
  personId: '01900000-0000-7000-8000-00000000000d',
  partnerId: PARTNER,
  specializationCode: 'NETWORK_SECURITY',
  kind: 'TECHNICAL' as const,
  validFrom: '2026-06-01',
  validUntil: '2028-05-31',
  createdAt: new Date(),
});
const distributor = Object.assign(new DistributorEntity(), { id: DISTRIBUTORS[1]!, name: 'Distri Europe', countries: ['FR', 'DE'], handlesRenewals: true, usageBasedProgram: false, createdAt: new Date() });

/** Each builder's output for the types it feeds, as partners records them. */
const built: [EventType, unknown][] = [
  ['partner.created', partnerSnapshot(partner, 'EUR', DISTRIBUTORS)],
  ['partner.changed', partnerSnapshot(partner, 'EUR', [])],
  ['partner.tier_assigned', tierAssignedPayload('FR-2023', assignment)],
  ['partner.certification_added', certificationAddedPayload(certification)],
  ['program.saved', programSnapshot(program, tiers, specializations)],
  ['distributor.saved', distributorSnapshot(distributor)],
];

describe('the events partners publishes', () => {
  it.each(built)('builds %s as the catalogue declares it, dropping nothing', (type, payload) => {
    const parsed = contractOf(type, 1)!.payload.safeParse(payload);
    expect(parsed.error?.issues ?? []).toEqual([]);
    expect(parsed.data).toEqual(payload);
  });

  it('sends thresholds as strings of minor units and distributors in a stable order', () => {
    expect(programSnapshot(program, tiers, specializations).tiers.map((tier) => tier.minRevenueMinor)).toEqual(['0', '10000000']);
    expect(partnerSnapshot(partner, 'EUR', DISTRIBUTORS).distributorIds).toEqual([...DISTRIBUTORS].sort());
  });
});
