import { describe, expect, it } from 'vitest';
import { DEMO_RULES } from '../../seeds/rules.data';
import { withDraft, type RuleVersion } from '../rules';
import { parseRuleParameters, RULE_KINDS, ruleKindModules, ruleParameterIssues } from './index';

describe('the rule registry', () => {
  it('has one module per kind, each with a schema and an explanation', () => {
    expect(new Set(RULE_KINDS).size).toBe(ruleKindModules.length);
    for (const module of ruleKindModules) expect(module.explanation.length, module.kind).toBeGreaterThan(20);
  });

  it('accepts every demo rule as seeded', () => {
    for (const rule of DEMO_RULES) expect(ruleParameterIssues(rule.kind, rule.parameters), `${rule.programCode} ${rule.kind}`).toEqual([]);
  });

  it('names every parameter at fault by its path, map keys and list positions included', () => {
    expect(ruleParameterIssues('FRONT_END_DISCOUNT', { newBusinessRates: { GOLD: '12,5%', silver: '5%' }, renewalRate: '-1%' }).map((i) => i.path).sort()).toEqual([
      'parameters.newBusinessRates.GOLD',
      'parameters.newBusinessRates.silver',
      'parameters.renewalRate',
    ]);
    expect(ruleParameterIssues('REFERRAL_FEE', { bands: [{ fromSeats: 250, toSeats: 500, rate: '5%' }, { fromSeats: 400, toSeats: null, rate: '10%' }] }).map((i) => i.path)).toEqual(['parameters.bands[1].fromSeats']);
    expect(ruleParameterIssues('VOLUME_REBATE', { eligibleTiers: ['PREMIER'], bands: [{ fromMinor: 3000000, rate: '5%' }] }).map((i) => i.path)).toEqual(['parameters.bands[0].fromMinor']);
  });

  it('refuses parameters a kind does not have, so a misspelt one is not silently ignored', () => {
    expect(ruleParameterIssues('INSTANT_BONUS', { productLines: ['NETWORK'], rate: '3%', rat: '4%' })).toHaveLength(1);
    expect(ruleParameterIssues('CLAWBACK', {})).toEqual([]);
  });

  it('throws BAD_USER_INPUT naming the first parameter at fault, under the prefix it is given', () => {
    expect(() => parseRuleParameters('SEGMENT_FLAT_REBATE', { partnerSegmentFocus: 'SMB', dealSegment: 'MIDMARKET', rate: '3%' }, 'draftRules[2].parameters')).toThrow(
      expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'draftRules[2].parameters.dealSegment' }),
    );
    expect(parseRuleParameters('DISTRIBUTOR_INCENTIVE', { partnerTiers: ['SILVER'], rate: '0.01' })).toEqual({ partnerTiers: ['SILVER'], rate: '0.01' });
  });
});

describe('withDraft', () => {
  const v1 = DEMO_RULES.find((rule) => rule.programCode === 'AU-2014' && rule.kind === 'VOLUME_REBATE')!;
  const draft = { programCode: 'AU-2014', kind: 'VOLUME_REBATE' as const, effectiveFrom: '2027-01-01', parameters: { eligibleTiers: ['PREMIER'], bands: [{ fromMinor: '1', rate: '1%' }] } };

  it('adds the next version and ends the one in effect the day before', () => {
    const { rules, added, ended } = withDraft(DEMO_RULES, draft);
    expect(added).toMatchObject({ version: 2, effectiveFrom: '2027-01-01', effectiveTo: null });
    expect(ended).toMatchObject({ version: 1, effectiveTo: '2026-12-31' });
    expect(rules).toHaveLength(DEMO_RULES.length + 1);
    expect(rules.filter((rule) => rule.kind === 'VOLUME_REBATE').map((rule) => [rule.version, rule.effectiveTo])).toEqual([
      [1, '2026-12-31'],
      [2, null],
    ]);
    expect(v1.effectiveTo).toBeNull();
  });

  it('leaves a version already retired before the draft starts as it is', () => {
    const retired: RuleVersion[] = [{ ...v1, effectiveTo: '2025-06-30' }];
    expect(withDraft(retired, draft).ended).toBeUndefined();
  });

  it('refuses a draft that does not start after the latest version, naming the field', () => {
    expect(() => withDraft(DEMO_RULES, { ...draft, effectiveFrom: '2014-01-01' }, 'draftRules[0].effectiveFrom')).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'draftRules[0].effectiveFrom' }));
  });
});
