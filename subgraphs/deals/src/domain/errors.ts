import { DomainError } from '@hub/domain';

export type DealsErrorCode = 'DEALS.INVALID_TRANSITION' | 'DEALS.CONFLICT' | 'DEALS.PARTNER_INACTIVE';

export class DealsError extends DomainError {
  constructor(code: DealsErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(code, message, details);
    this.name = 'DealsError';
  }
}
