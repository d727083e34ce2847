import { DomainError } from '@hub/domain';

export type LicensesErrorCode =
  | 'LICENSES.DISTRIBUTOR_NOT_ELIGIBLE'
  | 'LICENSES.PARTNER_NOT_ELIGIBLE'
  | 'LICENSES.MASTER_LICENSE_EXISTS'
  | 'LICENSES.INVALID_STATE'
  | 'LICENSES.ALREADY_RENEWED'
  | 'LICENSES.MONTH_LOCKED'
  | 'LICENSES.MONTH_OPEN'
  | 'LICENSES.NO_PRICE';

export class LicensesError extends DomainError {
  constructor(code: LicensesErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(code, message, details);
    this.name = 'LicensesError';
  }
}
