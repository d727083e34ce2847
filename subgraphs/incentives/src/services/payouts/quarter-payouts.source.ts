import { ruleInEffect, ruleKindModules, type PayoutLine, type QuarterDeal, type RuleVersionOf } from '../../domain';
import { dealFacts } from '../ledger-reader';
import type { PayoutSource } from './page-ledger';

/**
 * Quarter-level payouts (the volume rebate): every registry kind with a quarter hook, per
 * partner, over the deals it won in the quarter, under the version in effect on the quarter's
 * last day for the partner's program.
 */
export const quarterPayoutsSource: PayoutSource = {
  name: 'quarter payouts',
  payeeKinds: ['PARTNER'],
  async lines(ledger, rules) {
    const { ids, period } = ledger.page;
    const [deals, histories] = await Promise.all([ledger.wonDeals('partnerId'), ledger.histories(ids)]);
    const byPartner = new Map<string, QuarterDeal[]>();
    for (const row of deals) {
      const standing = histories.standingOn(row.partnerId, row.closedOn!);
      if (!standing) continue;
      const list = byPartner.get(row.partnerId);
      if (list) list.push({ deal: dealFacts(row), standing });
      else byPartner.set(row.partnerId, [{ deal: dealFacts(row), standing }]);
    }
    const lines: PayoutLine[] = [];
    for (const [partnerId, quarterDeals] of byPartner) {
      const program = histories.partner(partnerId)?.programCode;
      if (!program) continue;
      for (const module of ruleKindModules) {
        const rule = module.quarter && ruleInEffect(rules, program, module.kind, ledger.to);
        const line = rule && module.quarter!.compute(partnerId, period, quarterDeals, rule as RuleVersionOf<typeof module.kind, unknown>);
        if (line) lines.push(line);
      }
    }
    return lines;
  },
};
