import { z } from 'zod';

/**
 * A SKU of licenses' catalog after it was saved, whole: what deals needs to check that a deal
 * line names a term SKU and to take the deal's product line from it.
 */
export const skuSavedV1 = z.object({
  /** Upper case, at most 80 characters, as licenses keeps codes. */
  code: z.string().min(1).max(80),
  name: z.string().min(1),
  productLine: z.string().min(1),
  /** TERM: sold on deals and renewed; USAGE: billed monthly from usage reports. */
  billing: z.enum(['TERM', 'USAGE']),
});

/**
 * Licenses published its whole catalog (first seed, or the catalog of a database seeded before
 * it published): how many SKUs it holds. Until a consumer's copy holds that many, a code it does
 * not find may simply not have arrived yet.
 */
export const catalogPublishedV1 = z.object({
  skus: z.number().int().nonnegative(),
});
