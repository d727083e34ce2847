import { InvalidInputError } from '@hub/domain';

/** What a deal line needs to know of the SKU it names. */
export interface CatalogSku {
  code: string;
  productLine: string;
  billing: string;
}

/** SKU codes as licenses keeps them: `endpoint-adv-t ` names ENDPOINT-ADV-T. */
export function normaliseSku(sku: string): string {
  return sku.trim().toUpperCase();
}

/**
 * Checks that every line names a term SKU of the catalog and returns the deal's product line:
 * the one all its lines share. A deal spanning two product lines is refused rather than given
 * one of them: the back-end rebate's specialization uplift (domain.md) and the conflict check
 * both key on the deal's single product line, so picking one would pay the uplift, or protect
 * the customer, for the other line's seats too. `requested`, when given, must be that line.
 *
 * `skus` are the lines' codes, already normalised; `catalog` holds those of them the catalog knows.
 */
export function catalogProductLine(skus: readonly string[], catalog: ReadonlyMap<string, CatalogSku>, requested?: string | null): string {
  let productLine: { code: string; line: number } | undefined;
  skus.forEach((code, i) => {
    const sku = catalog.get(code);
    if (!sku) throw new InvalidInputError(`lines[${i}].sku`, `"${code}" is not in the catalog`);
    if (sku.billing !== 'TERM') throw new InvalidInputError(`lines[${i}].sku`, `${code} is a usage SKU: usage SKUs are billed monthly from usage reports, not sold on deals`);
    if (!productLine) productLine = { code: sku.productLine, line: i };
    else if (sku.productLine !== productLine.code) {
      throw new InvalidInputError(
        `lines[${i}].sku`,
        `${code} is a ${sku.productLine} SKU but lines[${productLine.line}] is ${productLine.code}: a deal covers one product line, register one deal per product line`,
      );
    }
  });
  if (!productLine) throw new InvalidInputError('lines', 'a deal needs at least one line');
  if (requested != null && requested !== productLine.code) {
    throw new InvalidInputError('productLine', `the lines are ${productLine.code} SKUs, not ${requested}; leave productLine out to take it from the lines`);
  }
  return productLine.code;
}

export const CATALOG_PROBLEMS = ['UNKNOWN_SKU', 'USAGE_SKU', 'OTHER_PRODUCT_LINE'] as const;
/** Why a line of an existing deal is outside the catalog; registration refuses each of these. */
export type CatalogProblem = (typeof CATALOG_PROBLEMS)[number];

/** What is wrong with a line of a deal of `productLine` naming `sku` (undefined: not in the catalog), or null. */
export function catalogProblem(productLine: string, sku: CatalogSku | undefined): CatalogProblem | null {
  if (!sku) return 'UNKNOWN_SKU';
  if (sku.billing !== 'TERM') return 'USAGE_SKU';
  if (sku.productLine !== productLine) return 'OTHER_PRODUCT_LINE';
  return null;
}
