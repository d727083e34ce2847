/**
 * A deal line no registration may carry: a usage SKU of the catalog. Deals checks the partner
 * first and the lines against its copy of licenses' catalog next, both fed by events after
 * start; so a registration with this line, refused as BAD_USER_INPUT on `lines[0].sku` (and
 * writing nothing), says that deals knows the partner and has the catalog.
 */
export const PROBE_LINE = { sku: 'ENDPOINT-STD-U', seats: 1, unitPrice: '1.00' };
export const PROBE_FIELD = 'lines[0].sku';
