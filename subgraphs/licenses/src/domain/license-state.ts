import type { IsoDate } from '@hub/domain';
import { LicensesError } from './errors';

export const LICENSE_STATUSES = ['ACTIVE', 'EXPIRED', 'REVOKED'] as const;
export type LicenseStatus = (typeof LICENSE_STATUSES)[number];

export type LicenseAction = 'renew' | 'transfer' | 'changeDeployment' | 'revoke' | 'expire';

/** Which statuses each action accepts. A revoked licence is final; an expired one may still be renewed. */
const ALLOWED: Record<LicenseAction, readonly LicenseStatus[]> = {
  renew: ['ACTIVE', 'EXPIRED'],
  transfer: ['ACTIVE'],
  changeDeployment: ['ACTIVE'],
  revoke: ['ACTIVE', 'EXPIRED'],
  expire: ['ACTIVE'],
};

export function assertActionAllowed(licenseId: string, status: LicenseStatus, action: LicenseAction): void {
  if (!ALLOWED[action].includes(status)) {
    throw new LicensesError('LICENSES.INVALID_STATE', `Licence ${licenseId} is ${status}; it cannot ${describe(action)}`, { licenseId, status, action });
  }
}

function describe(action: LicenseAction): string {
  switch (action) {
    case 'renew':
      return 'be renewed';
    case 'transfer':
      return 'be transferred';
    case 'changeDeployment':
      return 'change deployment';
    case 'revoke':
      return 'be revoked';
    case 'expire':
      return 'expire';
  }
}

/** A licence has lapsed once its current term has ended: terms cover [startsOn, endsOn). */
export function hasLapsed(endsOn: IsoDate, today: IsoDate): boolean {
  return endsOn <= today;
}

/**
 * The next term starts where the last one ends, so coverage stays continuous even when the
 * renewal comes late. Only one term may lie ahead: renewing twice before the next term starts
 * is almost always a duplicate order.
 */
export function nextTermStart(licenseId: string, latestTerm: { startsOn: IsoDate; endsOn: IsoDate }, today: IsoDate): IsoDate {
  if (latestTerm.startsOn > today) {
    throw new LicensesError('LICENSES.ALREADY_RENEWED', `Licence ${licenseId} is already renewed: its next term starts on ${latestTerm.startsOn}`, {
      licenseId,
      nextTermStartsOn: latestTerm.startsOn,
    });
  }
  return latestTerm.endsOn;
}
