import { describe, expect, it } from 'vitest';
import { loadExpiringNoticeDays, loadLicensesConfig } from './config';

describe('licenses expiring-notice configuration', () => {
  it('announces licences 30 days before their end by default, standalone and embedded', () => {
    expect(loadExpiringNoticeDays({})).toBe(30);
    expect(loadLicensesConfig({}).LICENSE_EXPIRING_DAYS).toBe(30);
  });

  it('reads LICENSE_EXPIRING_DAYS', () => {
    expect(loadExpiringNoticeDays({ LICENSE_EXPIRING_DAYS: '14' })).toBe(14);
    expect(loadLicensesConfig({ LICENSE_EXPIRING_DAYS: '90' }).LICENSE_EXPIRING_DAYS).toBe(90);
  });

  it.each(['0', '-5', '1.5', 'soon', '366'])('refuses LICENSE_EXPIRING_DAYS=%s, naming it', (value) => {
    expect(() => loadExpiringNoticeDays({ LICENSE_EXPIRING_DAYS: value })).toThrow(/LICENSE_EXPIRING_DAYS/);
    expect(() => loadLicensesConfig({ LICENSE_EXPIRING_DAYS: value })).toThrow(/LICENSE_EXPIRING_DAYS/);
  });
});
