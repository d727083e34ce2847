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

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The days left before a live licence ends when that is within the notice window (at most
 * `noticeDays`, and not yet lapsed), else null: when the sweep sends license.expiring. One
 * notice per end date, so a renewal, which moves the end, earns the new term its own later.
 */
export function expiringDaysLeft(endsOn: IsoDate, today: IsoDate, noticeDays: number): number | null {
  if (hasLapsed(endsOn, today)) return null;
  const daysLeft = Math.round((Date.parse(endsOn) - Date.parse(today)) / DAY_MS);
  return daysLeft <= noticeDays ? daysLeft : null;
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
