import { describe, expect, it } from 'vitest';
import { versionOn, withVersion } from './program-versions';

const v = (version: number, effectiveFrom: string) => ({ version, effectiveFrom, label: `v${version}` });

describe('program versions', () => {
  const book = [v(1, '2023-01-01'), v(2, '2026-07-01'), v(3, '2027-01-01')];

  it('answers the version in force on a date, its first day included', () => {
    expect(versionOn(book, '2026-06-30')?.label).toBe('v1');
    expect(versionOn(book, '2026-07-01')?.label).toBe('v2');
    expect(versionOn(book, '2026-12-31')?.label).toBe('v2');
    expect(versionOn(book, '2027-01-01')?.label).toBe('v3');
  });

  it('takes the higher version when two take effect the same day', () => {
    expect(versionOn([v(2, '2026-07-01'), v(4, '2026-07-01'), v(3, '2026-07-01')], '2026-08-01')?.label).toBe('v4');
  });

  it('holds partners to the first version before its date', () => {
    expect(versionOn(book, '2020-01-01')?.label).toBe('v1');
    expect(versionOn([], '2020-01-01')).toBeUndefined();
  });

  it('keeps one copy per version, in date order, whatever order they arrive in', () => {
    const arrived = [v(3, '2027-01-01'), v(1, '2023-01-01'), v(2, '2026-07-01')].reduce((all, next) => withVersion(all, next), [] as ReturnType<typeof v>[]);
    expect(arrived.map((x) => x.version)).toEqual([1, 2, 3]);
    const corrected = withVersion(arrived, { version: 2, effectiveFrom: '2026-08-01', label: 'v2 corrected' });
    expect(corrected.map((x) => x.label)).toEqual(['v1', 'v2 corrected', 'v3']);
  });
});
