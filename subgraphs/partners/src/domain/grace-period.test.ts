import { describe, expect, it } from 'vitest';
import { assertDowngradeAllowed } from './grace-period';
import { assignmentOn } from './tier-history';

const fr2023 = { code: 'FR-2023', noDowngradeUntil: '2024-12-31' };

describe('FR-2023 grace period', () => {
  it('refuses a downgrade effective on 2024-12-31', () => {
    expect(() => assertDowngradeAllowed(fr2023, 2, 1, '2024-12-31')).toThrow(expect.objectContaining({ code: 'PARTNERS.GRACE_PERIOD' }));
  });

  it('allows a downgrade effective on 2025-01-01', () => {
    expect(() => assertDowngradeAllowed(fr2023, 2, 1, '2025-01-01')).not.toThrow();
  });

  it('allows upgrades during the grace period', () => {
    expect(() => assertDowngradeAllowed(fr2023, 1, 2, '2024-06-01')).not.toThrow();
  });
});

describe('assignmentOn', () => {
  const history = [
    { partnerId: 'p', tierCode: 'SKILL', effectiveFrom: '2024-01-01', sequence: 1 },
    { partnerId: 'p', tierCode: 'EXPERT', effectiveFrom: '2024-07-01', sequence: 2 },
    { partnerId: 'p', tierCode: 'ELITE', effectiveFrom: '2024-07-01', sequence: 3 },
  ];

  it('uses the latest assignment effective on the date, the later decision breaking ties', () => {
    expect(assignmentOn(history, '2024-06-30')?.tierCode).toBe('SKILL');
    expect(assignmentOn(history, '2024-07-01')?.tierCode).toBe('ELITE');
    expect(assignmentOn(history, '2023-12-31')).toBeUndefined();
  });
});
