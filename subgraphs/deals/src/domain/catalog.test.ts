import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '@hub/domain';
import { catalogProblem, catalogProductLine, normaliseSku, type CatalogSku } from './catalog';

const CATALOG = new Map<string, CatalogSku>(
  [
    { code: 'ENDPOINT-STD-T', productLine: 'ENDPOINT', billing: 'TERM' },
    { code: 'ENDPOINT-ADV-T', productLine: 'ENDPOINT', billing: 'TERM' },
    { code: 'ENDPOINT-STD-U', productLine: 'ENDPOINT', billing: 'USAGE' },
    { code: 'NETWORK-ADV-T', productLine: 'NETWORK', billing: 'TERM' },
  ].map((sku) => [sku.code, sku]),
);

function refusal(run: () => unknown): { field: string; message: string } {
  try {
    run();
  } catch (error) {
    if (error instanceof InvalidInputError) return { field: error.field, message: error.message };
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('catalogProductLine', () => {
  it('takes the product line from lines that all name term SKUs of one line', () => {
    expect(catalogProductLine(['ENDPOINT-STD-T', 'ENDPOINT-ADV-T'], CATALOG)).toBe('ENDPOINT');
    expect(catalogProductLine(['NETWORK-ADV-T'], CATALOG, 'NETWORK')).toBe('NETWORK');
  });

  it('names the first line whose SKU the catalog does not hold', () => {
    expect(refusal(() => catalogProductLine(['ENDPOINT-STD-T', 'WFBS-SVC'], CATALOG))).toEqual({
      field: 'lines[1].sku',
      message: 'lines[1].sku: "WFBS-SVC" is not in the catalog',
    });
  });

  it('refuses a usage SKU, which is billed from usage reports', () => {
    const { field, message } = refusal(() => catalogProductLine(['ENDPOINT-STD-U'], CATALOG));
    expect(field).toBe('lines[0].sku');
    expect(message).toContain('usage SKUs are billed monthly from usage reports, not sold on deals');
  });

  it('refuses lines of two product lines, naming the first line of the second', () => {
    const { field, message } = refusal(() => catalogProductLine(['ENDPOINT-STD-T', 'ENDPOINT-ADV-T', 'NETWORK-ADV-T'], CATALOG));
    expect(field).toBe('lines[2].sku');
    expect(message).toContain('NETWORK SKU but lines[0] is ENDPOINT');
  });

  it('refuses a requested product line the lines do not belong to', () => {
    expect(refusal(() => catalogProductLine(['ENDPOINT-STD-T'], CATALOG, 'NETWORK')).field).toBe('productLine');
  });

  it('refuses a deal without lines', () => {
    expect(refusal(() => catalogProductLine([], CATALOG)).field).toBe('lines');
  });
});

describe('normaliseSku', () => {
  it('trims and upper-cases as licenses does', () => {
    expect(normaliseSku('  endpoint-adv-t ')).toBe('ENDPOINT-ADV-T');
  });
});

describe('catalogProblem', () => {
  it('tells an unknown SKU, a usage SKU and a SKU of another product line from a good line', () => {
    expect(catalogProblem('ENDPOINT', undefined)).toBe('UNKNOWN_SKU');
    expect(catalogProblem('ENDPOINT', CATALOG.get('ENDPOINT-STD-U'))).toBe('USAGE_SKU');
    expect(catalogProblem('ENDPOINT', CATALOG.get('NETWORK-ADV-T'))).toBe('OTHER_PRODUCT_LINE');
    expect(catalogProblem('ENDPOINT', CATALOG.get('ENDPOINT-ADV-T'))).toBeNull();
  });
});
