import { DomainError } from '@hub/domain';

export type DealsErrorCode = 'DEALS.INVALID_TRANSITION' | 'DEALS.CONFLICT' | 'DEALS.PARTNER_INACTIVE';

export class DealsError extends DomainError {
  constructor(code: DealsErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(code, message, details);
    this.name = 'DealsError';
  }
}

/**
 * Deals has not received the whole catalog from licenses yet (on a first start, before or while
 * licenses' events arrive): a SKU it does not find may still be on its way, so a registration is
 * refused as retryable rather than told its SKU is unknown.
 */
export class CatalogNotReceivedError extends DomainError {
  constructor() {
    super('SERVICE_UNAVAILABLE', 'Deals has not received the product catalog from licenses yet; retry in a few seconds', { retryable: true, reason: 'CATALOG_NOT_RECEIVED' });
    this.name = 'CatalogNotReceivedError';
  }
}
