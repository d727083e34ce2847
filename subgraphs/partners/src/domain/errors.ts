import { DomainError } from '@hub/domain';

export type PartnersErrorCode = 'PARTNERS.TIER_FULL' | 'PARTNERS.GRACE_PERIOD' | 'PARTNERS.PARTNER_TERMINATED';

export class PartnersError extends DomainError {
  constructor(code: PartnersErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(code, message, details);
    this.name = 'PartnersError';
  }
}
