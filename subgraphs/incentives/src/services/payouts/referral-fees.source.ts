import { dealPayouts, type PayoutLine } from '../../domain';
import { dealFacts, dealRuleSet } from '../ledger-reader';
import type { PayoutSource } from './page-ledger';

/** What the quarter's won deals pay the partners that referred them: every registry kind with a REFERRER deal hook. */
export const referralFeesSource: PayoutSource = {
  name: 'referral fees',
  payeeKinds: ['PARTNER'],
  async lines(ledger, rules) {
    const deals = await ledger.wonDeals('referringPartnerId');
    if (deals.length === 0) return [];
    const histories = await ledger.histories(deals.map((deal) => deal.partnerId));
    const lines: PayoutLine[] = [];
    for (const row of deals) {
      const standing = histories.standingOn(row.partnerId, row.closedOn!);
      if (!standing) continue;
      lines.push(...dealPayouts(dealFacts(row), standing, dealRuleSet(rules, row.programCode, row.closedOn!), ['REFERRER']));
    }
    return lines;
  },
};
