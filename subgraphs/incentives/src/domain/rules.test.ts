import { describe, expect, it } from 'vitest';
import { DEMO_RULES } from '../seeds/rules.data';
import { ruleInEffect, type RuleVersion } from './rules';

const v1: RuleVersion<'VOLUME_REBATE'> = {
  kind: 'VOLUME_REBATE',
  programCode: 'AU-2014',
  version: 1,
  effectiveFrom: '2014-01-01',
  effectiveTo: '2026-09-30',
  parameters: { eligibleTiers: ['PREMIER', 'NATIONAL'], bands: [{ fromMinor: '3000000', rate: '5%' }] },
};
const v2: RuleVersion<'VOLUME_REBATE'> = { ...v1, version: 2, effectiveFrom: '2026-10-01', effectiveTo: null, parameters: { eligibleTiers: ['PREMIER'], bands: [{ fromMinor: '2500000', rate: '6%' }] } };
// Same kind, another program, always in effect and with a higher version: must never be picked for AU-2014.
const otherProgram: RuleVersion<'VOLUME_REBATE'> = { ...v1, programCode: 'XX-2020', version: 9, effectiveFrom: '2000-01-01', effectiveTo: null };
// Same program, another kind.
const referral = DEMO_RULES.find((r) => r.kind === 'REFERRAL_FEE' && r.programCode === 'AU-2014')!;

const rules: RuleVersion[] = [v2, otherProgram, referral, v1];
const versionOn = (asOf: string) => ruleInEffect(rules, 'AU-2014', 'VOLUME_REBATE', asOf)?.version;

describe('ruleInEffect', () => {
  it('picks version 1 the day before version 2 takes effect', () => {
    expect(versionOn('2026-09-30')).toBe(1);
  });

  it('picks version 2 on the day it takes effect and after', () => {
    expect(versionOn('2026-10-01')).toBe(2);
    expect(versionOn('2030-01-01')).toBe(2);
  });

  it('keeps version 1 for any date of a period it governed', () => {
    expect(versionOn('2014-01-01')).toBe(1);
    expect(versionOn('2020-06-15')).toBe(1);
  });

  it('finds nothing before the first version takes effect', () => {
    expect(versionOn('2013-12-31')).toBeUndefined();
  });

  it('treats effectiveTo as inclusive and finds nothing after a closed rule with no successor', () => {
    const closed = [{ ...v1, effectiveTo: '2026-09-30' }];
    expect(ruleInEffect(closed, 'AU-2014', 'VOLUME_REBATE', '2026-09-30')?.version).toBe(1);
    expect(ruleInEffect(closed, 'AU-2014', 'VOLUME_REBATE', '2026-10-01')).toBeUndefined();
  });

  it('prefers the higher version when two versions overlap', () => {
    const overlapping = [v2, { ...v1, effectiveTo: null }];
    expect(ruleInEffect(overlapping, 'AU-2014', 'VOLUME_REBATE', '2026-09-30')?.version).toBe(1);
    expect(ruleInEffect(overlapping, 'AU-2014', 'VOLUME_REBATE', '2026-10-01')?.version).toBe(2);
  });

  it('returns the whole version, parameters included', () => {
    expect(ruleInEffect(rules, 'AU-2014', 'VOLUME_REBATE', '2026-10-01')).toBe(v2);
  });

  it('ignores rules of other programs and other kinds', () => {
    expect(ruleInEffect(rules, 'XX-2020', 'VOLUME_REBATE', '2026-10-01')).toBe(otherProgram);
    expect(ruleInEffect(rules, 'AU-2014', 'REFERRAL_FEE', '2026-10-01')).toBe(referral);
    expect(ruleInEffect(rules, 'FR-2023', 'VOLUME_REBATE', '2026-10-01')).toBeUndefined();
    expect(ruleInEffect(rules, 'AU-2014', 'INSTANT_BONUS', '2026-10-01')).toBeUndefined();
  });

  it('finds each demo rule in effect in its own program and nowhere else', () => {
    for (const rule of DEMO_RULES) {
      expect(ruleInEffect(DEMO_RULES, rule.programCode, rule.kind, '2026-09-30')).toBe(rule);
    }
    expect(ruleInEffect(DEMO_RULES, 'FR-2023', 'VOLUME_REBATE', '2026-09-30')).toBeUndefined();
    expect(ruleInEffect(DEMO_RULES, 'FR-2023', 'FRONT_END_DISCOUNT', '2022-12-31')).toBeUndefined();
  });
});
