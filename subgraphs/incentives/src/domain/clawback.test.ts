import { describe, expect, it } from 'vitest';
import { dealFacts, demoRule, partnerStanding } from '../test/builders';
import { clawback } from './rule-kinds';
import { backEndRebate } from './rule-kinds';
import { assembleStatement } from './statement';
import { volumeRebate } from './rule-kinds';

describe('clawback', () => {
  const paid = backEndRebate(dealFacts({ dealId: 'd42', amountMinor: 4_000_000n }), partnerStanding({ specializations: ['NETWORK_SECURITY'] }), demoRule('FR-2023', 'BACK_END_REBATE'))!;
  const undone = clawback(paid, '2026-10-05', '2026-Q3');

  it('negates the amount and keeps the base, source, currency and payee', () => {
    expect(undone).toMatchObject({
      rule: 'CLAWBACK',
      rate: '-100%',
      amountMinor: -160_000n,
      baseMinor: paid.baseMinor,
      source: 'deal:d42',
      currency: 'EUR',
      payee: { kind: 'PARTNER', id: 'p1' },
    });
  });

  it('names the original rule and version, what was paid, when and why', () => {
    expect(undone.explanation).toBe('Clawback: deal:d42 was reversed on 2026-10-05; BACK_END_REBATE v1 of 1600.00 EUR paid in 2026-Q3 is taken back');
  });

  it('leaves the original line untouched', () => {
    expect(paid).toMatchObject({ rule: 'BACK_END_REBATE', amountMinor: 160_000n });
  });

  it('takes back exactly what was paid: the two lines total zero', () => {
    expect(assembleStatement([paid, undone]).totalMinor).toBe(0n);
  });

  it('undoes a quarter line as well, naming its version', () => {
    const premier = partnerStanding({ programCode: 'AU-2014', tierCode: 'PREMIER' });
    const rebate = volumeRebate('p1', '2026-Q3', [{ deal: dealFacts({ programCode: 'AU-2014', currency: 'AUD', amountMinor: 5_234_000n }), standing: premier }], demoRule('AU-2014', 'VOLUME_REBATE'))!;
    const line = clawback({ ...rebate, ruleVersion: 3 }, '2026-11-02', '2026-Q3');
    expect(line).toMatchObject({ source: 'quarter:p1:2026-Q3', baseMinor: 5_234_000n, amountMinor: -392_550n, currency: 'AUD' });
    expect(line.explanation).toContain('VOLUME_REBATE v3 of 3925.50 AUD');
  });
});
