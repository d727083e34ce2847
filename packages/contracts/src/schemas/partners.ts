import { z } from 'zod';
import { currency, id, isoDate, minorUnits, segment } from './common';

/** The full facts about a partner at one moment: other subgraphs keep their copy from these. */
export const partnerSnapshotV1 = z.object({
  partnerId: id,
  name: z.string(),
  country: z.string(),
  programCode: z.string(),
  currency,
  status: z.string(),
  segmentFocus: segment,
  businessModels: z.array(z.string()),
  distributorIds: z.array(id),
});

export const tierAssignedV1 = z.object({
  partnerId: id,
  programCode: z.string(),
  tierCode: z.string(),
  /** Effective-dated: consumers answer "which tier on date D" from these. */
  effectiveFrom: isoDate,
  reason: z.string(),
});

export const certificationAddedV1 = z.object({
  partnerId: id,
  personId: id,
  certificationId: id,
  specializationCode: z.string(),
  kind: z.enum(['SALES', 'TECHNICAL']),
  validFrom: isoDate,
  validUntil: isoDate,
});

/**
 * A program's rule book as incentives needs it to judge tier standing without calling back:
 * the ladder with thresholds and capacity, the grace date, and what earns each specialization.
 */
export const programSavedV1 = z.object({
  code: z.string(),
  name: z.string(),
  currency,
  version: z.number().int(),
  effectiveFrom: isoDate,
  noDowngradeUntil: isoDate.nullable(),
  tiers: z.array(
    z.object({
      code: z.string(),
      name: z.string(),
      rank: z.number().int(),
      minCertifiedStaff: z.number().int(),
      minRevenueMinor: minorUnits,
      capacity: z.number().int().nullable(),
    }),
  ),
  specializations: z.array(
    z.object({
      code: z.string(),
      name: z.string(),
      productLine: z.string().nullable(),
      requiredSales: z.number().int(),
      requiredTechnical: z.number().int(),
    }),
  ),
});

export const distributorSavedV1 = z.object({
  distributorId: id,
  name: z.string(),
  countries: z.array(z.string()),
  handlesRenewals: z.boolean(),
  usageBasedProgram: z.boolean(),
});
