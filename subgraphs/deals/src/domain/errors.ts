import { DomainError } from '@hub/domain';

export type DealsErrorCode = 'DEALS.INVALID_TRANSITION' | 'DEALS.CONFLICT' | 'DEALS.PARTNER_INACTIVE';

export class DealsError extends DomainError {
  constructor(code: DealsErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(code, message, details);
    this.name = 'DealsError';
  }
}

/**
 * Deals has not received the catalog from licenses yet (its copy is empty, e.g. on a first
 * start before licenses' events arrive): no line can be checked, so a registration is refused
 * as retryable rather than told its SKU is unknown.
 */
export class CatalogNotReceivedError extends DomainError {
  constructor() {
    super('SERVICE_UNAVAILABLE', 'Deals has not received the product catalog from licenses yet; retry in a few seconds', { retryable: true, reason: 'CATALOG_NOT_RECEIVED' });
    this.name = 'CatalogNotReceivedError';
  }
}
