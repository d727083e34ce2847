import { addDays, type IsoDate } from '@hub/domain';

/**
 * An approval lasts a configured number of days: approved on day 0 with 90 days, the
 * registration is valid through day 90 and expired on day 91.
 */
export function approvalExpiresOn(approvedOn: IsoDate, validityDays: number): IsoDate {
  return addDays(approvedOn, validityDays);
}

export function isExpiredOn(expiresAt: IsoDate, today: IsoDate): boolean {
  return today > expiresAt;
}
