/**
 * A deal line no registration may carry: a SKU that is in no catalog. Deals checks the partner
 * first and the lines against its copy of licenses' catalog next, both fed by events after
 * start; it calls a SKU unknown only once its copy is complete (SERVICE_UNAVAILABLE, retryable,
 * before). So a registration with this line, refused as BAD_USER_INPUT on `lines[0].sku` (and
 * writing nothing), says that deals knows the partner and has the whole catalog.
 */
export const PROBE_LINE = { sku: 'PROBE-NOT-IN-THE-CATALOG', seats: 1, unitPrice: '1.00' };
export const PROBE_FIELD = 'lines[0].sku';
