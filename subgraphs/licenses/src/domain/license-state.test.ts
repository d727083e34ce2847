import { DomainError } from '@hub/domain';
import { describe, expect, it } from 'vitest';
import { LicensesError } from './errors';
import { LICENSE_STATUSES, assertActionAllowed, expiringDaysLeft, hasLapsed, nextTermStart, type LicenseAction, type LicenseStatus } from './license-state';

const ACTIONS: LicenseAction[] = ['renew', 'transfer', 'changeDeployment', 'revoke', 'expire'];

const ALLOWED: [LicenseAction, LicenseStatus][] = [
  ['renew', 'ACTIVE'],
  ['renew', 'EXPIRED'],
  ['transfer', 'ACTIVE'],
  ['changeDeployment', 'ACTIVE'],
  ['revoke', 'ACTIVE'],
  ['revoke', 'EXPIRED'],
  ['expire', 'ACTIVE'],
];

const REFUSED = ACTIONS.flatMap((action) =>
  LICENSE_STATUSES.filter((status) => !ALLOWED.some(([a, s]) => a === action && s === status)).map((status) => [action, status] as const),
);

describe('assertActionAllowed', () => {
  it.each(ALLOWED)('lets a licence %s when %s', (action, status) => {
    expect(() => assertActionAllowed('lic-1', status, action)).not.toThrow();
  });

  it('refuses the other 8 combinations, every action on a revoked licence among them', () => {
    expect(REFUSED).toHaveLength(ACTIONS.length * LICENSE_STATUSES.length - ALLOWED.length);
    expect(REFUSED).toHaveLength(8);
    expect(REFUSED.filter(([, status]) => status === 'REVOKED')).toHaveLength(ACTIONS.length);
  });

  it.each(REFUSED)('refuses to %s a %s licence with LICENSES.INVALID_STATE', (action, status) => {
    let thrown: unknown;
    try {
      assertActionAllowed('lic-1', status, action);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(LicensesError);
    expect(thrown).toMatchObject({ code: 'LICENSES.INVALID_STATE', details: { licenseId: 'lic-1', status, action } });
    expect((thrown as Error).message).toContain(`Licence lic-1 is ${status}`);
  });
});

describe('LicensesError', () => {
  it('is a DomainError carrying its namespaced code and details', () => {
    const error = new LicensesError('LICENSES.NO_PRICE', 'no price', { sku: 'X' });
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ name: 'LicensesError', code: 'LICENSES.NO_PRICE', message: 'no price', details: { sku: 'X' } });
  });
});

describe('hasLapsed', () => {
  it('keeps a licence running on the last day before its end date', () => {
    expect(hasLapsed('2027-03-15', '2027-03-14')).toBe(false);
  });

  it('lapses it on the end date itself, which the term does not cover', () => {
    expect(hasLapsed('2027-03-15', '2027-03-15')).toBe(true);
    expect(hasLapsed('2027-03-15', '2027-04-01')).toBe(true);
  });
});

describe('nextTermStart', () => {
  const current = { startsOn: '2026-03-15', endsOn: '2027-03-15' };

  it('starts the next term where the current one ends when renewed early', () => {
    expect(nextTermStart('lic-1', current, '2027-02-01')).toBe('2027-03-15');
  });

  it('keeps coverage continuous when renewed late: the next term still starts on the old end date', () => {
    expect(nextTermStart('lic-1', current, '2027-05-20')).toBe('2027-03-15');
  });

  it('allows renewing on the day the latest term starts', () => {
    expect(nextTermStart('lic-1', current, '2026-03-15')).toBe('2027-03-15');
  });

  it('refuses a second renewal while the next term still lies ahead with LICENSES.ALREADY_RENEWED', () => {
    const renewed = { startsOn: '2027-03-15', endsOn: '2028-03-15' };
    expect(() => nextTermStart('lic-1', renewed, '2027-03-14')).toThrow(
      expect.objectContaining({ code: 'LICENSES.ALREADY_RENEWED', details: { licenseId: 'lic-1', nextTermStartsOn: '2027-03-15' } }),
    );
  });
});

describe('expiringDaysLeft', () => {
  it('counts the days left once the end is within the notice window, and not before', () => {
    expect(expiringDaysLeft('2027-06-15', '2027-05-15', 30)).toBeNull();
    expect(expiringDaysLeft('2027-06-15', '2027-05-16', 30)).toBe(30);
    expect(expiringDaysLeft('2027-06-15', '2027-06-14', 30)).toBe(1);
  });

  it('has nothing to say of a licence that has lapsed (the expiry sweep takes it)', () => {
    expect(expiringDaysLeft('2027-06-15', '2027-06-15', 30)).toBeNull();
    expect(expiringDaysLeft('2027-06-15', '2027-07-01', 30)).toBeNull();
  });

  it('counts calendar days across a month end and a leap day', () => {
    expect(expiringDaysLeft('2028-03-01', '2028-02-28', 7)).toBe(2);
    expect(expiringDaysLeft('2027-03-01', '2027-01-30', 29)).toBeNull();
    expect(expiringDaysLeft('2027-03-01', '2027-01-30', 30)).toBe(30);
  });
});
