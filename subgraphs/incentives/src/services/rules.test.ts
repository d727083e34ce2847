import { describe, expect, it } from 'vitest';
import type { IncentiveRuleEntity } from '../entities';
import { toRuleVersion } from './rules';

const row = (parameters: Record<string, unknown>): IncentiveRuleEntity => ({
  id: 'r1',
  programCode: 'US-2014',
  kind: 'DISTRIBUTOR_INCENTIVE',
  version: 3,
  effectiveFrom: '2026-01-01',
  effectiveTo: null,
  parameters,
});

describe('toRuleVersion', () => {
  it('reads a stored row through its kind’s schema', () => {
    expect(toRuleVersion(row({ partnerTiers: ['SILVER'], rate: '1%' }))).toMatchObject({ kind: 'DISTRIBUTOR_INCENTIVE', version: 3, parameters: { partnerTiers: ['SILVER'], rate: '1%' } });
  });

  it('stops at a row edited by hand into parameters its kind refuses, naming the row and the parameter', () => {
    expect(() => toRuleVersion(row({ partnerTiers: 'SILVER', rate: '1%' }))).toThrow(/US-2014 DISTRIBUTOR_INCENTIVE v3 .*parameters\.partnerTiers/);
  });
});
