import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { anyPayoutLine, quarterFacts, randomDealRuleSet, randomVolumeRebate } from '../test/arbitraries';
import { demoRule, everyDemoDealRule } from '../test/builders';
import type { PayoutLine } from './lines';
import { dealPayouts, type DealRuleSet } from './quote';
import type { RuleVersion } from './rules';
import { assembleStatement, type AssembledStatement } from './statement';
import { volumeRebate, type QuarterDeal } from './rule-kinds';

/** What the ledger does for a quarter: every won deal's payouts and each partner's volume rebate, one statement per payee. */
function quarterStatements(facts: readonly QuarterDeal[], rules: DealRuleSet, volume: RuleVersion<'VOLUME_REBATE'>): [string, AssembledStatement][] {
  const lines = facts.flatMap(({ deal, standing }) => dealPayouts(deal, standing, rules));
  for (const partnerId of new Set(facts.map((f) => f.deal.partnerId))) {
    const rebate = volumeRebate(partnerId, '2026-Q3', facts, volume);
    if (rebate) lines.push(rebate);
  }
  const byPayee = new Map<string, PayoutLine[]>();
  for (const line of lines) {
    const key = `${line.payee.kind}:${line.payee.id}`;
    byPayee.set(key, [...(byPayee.get(key) ?? []), line]);
  }
  return [...byPayee.keys()].sort().map((payee) => [payee, assembleStatement(byPayee.get(payee)!)]);
}

/** Any order of the same facts. */
const permuted = <T>(items: readonly T[]) => fc.shuffledSubarray([...items], { minLength: items.length, maxLength: items.length });

const line = (overrides: Partial<PayoutLine>): PayoutLine => ({
  rule: 'BACK_END_REBATE',
  ruleVersion: 1,
  source: 'deal:d1',
  baseMinor: 1_000n,
  rate: '2%',
  amountMinor: 20n,
  currency: 'EUR',
  explanation: '',
  payee: { kind: 'PARTNER', id: 'p1' },
  ...overrides,
});

describe('assembleStatement', () => {
  it('orders lines by source, then rule, version and amount', () => {
    const lines = [
      line({ source: 'deal:d2', rule: 'BACK_END_REBATE' }),
      line({ source: 'deal:d1', rule: 'INSTANT_BONUS' }),
      line({ source: 'deal:d1', rule: 'BACK_END_REBATE', ruleVersion: 2 }),
      line({ source: 'deal:d1', rule: 'BACK_END_REBATE', ruleVersion: 1, amountMinor: 30n }),
      line({ source: 'deal:d1', rule: 'BACK_END_REBATE', ruleVersion: 1, amountMinor: -30n }),
    ];
    expect(assembleStatement(lines).lines.map((l) => [l.source, l.rule, l.ruleVersion, l.amountMinor])).toEqual([
      ['deal:d1', 'BACK_END_REBATE', 1, -30n],
      ['deal:d1', 'BACK_END_REBATE', 1, 30n],
      ['deal:d1', 'BACK_END_REBATE', 2, 20n],
      ['deal:d1', 'INSTANT_BONUS', 1, 20n],
      ['deal:d2', 'BACK_END_REBATE', 1, 20n],
    ]);
  });

  it('totals an empty statement to zero', () => {
    expect(assembleStatement([])).toEqual({ lines: [], totalMinor: 0n });
  });

  it("does not reorder the caller's array", () => {
    const lines = [line({ source: 'deal:d2' }), line({ source: 'deal:d1' })];
    assembleStatement(lines);
    expect(lines.map((l) => l.source)).toEqual(['deal:d2', 'deal:d1']);
  });
});

describe('property: statements', () => {
  it('total the sum of their lines, clawbacks included, and hold exactly the lines given', () => {
    fc.assert(
      fc.property(fc.array(anyPayoutLine, { maxLength: 40 }), (lines) => {
        const statement = assembleStatement(lines);
        expect(statement.totalMinor).toBe(lines.reduce((sum, l) => sum + l.amountMinor, 0n));
        expect(statement.lines).toHaveLength(lines.length);
        expect(new Set(statement.lines)).toEqual(new Set(lines));
      }),
      { numRuns: 500 },
    );
  });

  it('are the same whatever order the facts arrive in (demo rules)', () => {
    const rules = everyDemoDealRule();
    const volume = demoRule('AU-2014', 'VOLUME_REBATE');
    fc.assert(
      fc.property(
        quarterFacts.chain((facts) => fc.tuple(fc.constant(facts), permuted(facts))),
        ([facts, shuffled]) => {
          expect(quarterStatements(shuffled, rules, volume)).toEqual(quarterStatements(facts, rules, volume));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('are the same whatever order the facts arrive in (random rules)', () => {
    fc.assert(
      fc.property(
        quarterFacts.chain((facts) => fc.tuple(fc.constant(facts), permuted(facts))),
        randomDealRuleSet,
        randomVolumeRebate,
        ([facts, shuffled], rules, volume) => {
          expect(quarterStatements(shuffled, rules, volume)).toEqual(quarterStatements(facts, rules, volume));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('come out identical when recomputed', () => {
    fc.assert(
      fc.property(quarterFacts, randomDealRuleSet, randomVolumeRebate, (facts, rules, volume) => {
        const first = quarterStatements(facts, rules, volume);
        const second = quarterStatements(structuredClone(facts), structuredClone(rules), structuredClone(volume));
        expect(second).toEqual(first);
        expect(second.flatMap(([, s]) => s.lines.map((l) => l.explanation))).toEqual(first.flatMap(([, s]) => s.lines.map((l) => l.explanation)));
      }),
    );
  });

  it('assemble to the same statement from any order of the same lines', () => {
    const rules = everyDemoDealRule();
    const volume = demoRule('AU-2014', 'VOLUME_REBATE');
    fc.assert(
      fc.property(
        quarterFacts.map((facts) => quarterStatements(facts, rules, volume)).chain((statements) =>
          fc.tuple(fc.constant(statements), fc.tuple(...statements.map(([, s]) => permuted(s.lines)))),
        ),
        ([statements, shuffledLines]) => {
          statements.forEach(([, statement], i) => expect(assembleStatement(shuffledLines[i]!)).toEqual(statement));
        },
      ),
    );
  });
});
