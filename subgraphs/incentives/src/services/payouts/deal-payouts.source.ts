import { dealPayouts, type PayoutLine } from '../../domain';
import { dealFacts, dealRuleSet } from '../ledger-reader';
import { distinctIds, wonInQuarter, type PayoutSource } from './page-ledger';

/**
 * What the quarter's won deals pay their seller (back-end rebate, instant bonus, the flat
 * rebate…) or their distributor: every registry kind with a SELLER or DISTRIBUTOR deal hook,
 * under the version in effect on each deal's close date, for the partner as it stood then.
 */
export const dealPayoutsSource: PayoutSource = {
  name: 'deal payouts',
  payeeKinds: ['PARTNER', 'DISTRIBUTOR'],
  payees(scope) {
    const column = scope.kind === 'PARTNER' ? 'deal.partnerId' : 'deal.distributorId';
    return distinctIds(wonInQuarter(scope).select(`DISTINCT ${column}`, 'id').andWhere(`${column} IS NOT NULL`).getRawMany());
  },
  async lines(ledger, rules) {
    const { kind, ids } = ledger.page;
    const deals = await ledger.wonDeals(kind === 'PARTNER' ? 'partnerId' : 'distributorId');
    const histories = await ledger.histories(kind === 'PARTNER' ? ids : deals.map((deal) => deal.partnerId));
    const lines: PayoutLine[] = [];
    for (const row of deals) {
      const standing = histories.standingOn(row.partnerId, row.closedOn!);
      if (!standing) continue;
      lines.push(...dealPayouts(dealFacts(row), standing, dealRuleSet(rules, row.programCode, row.closedOn!), [kind === 'PARTNER' ? 'SELLER' : 'DISTRIBUTOR']));
    }
    return lines;
  },
};
