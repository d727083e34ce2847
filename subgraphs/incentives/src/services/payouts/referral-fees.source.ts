import { referrerPayouts } from '../../domain';
import { dealFacts, dealRuleSet } from '../ledger-reader';
import { distinctIds, wonInQuarter, type PayoutSource } from './page-ledger';

/**
 * What the quarter's won deals pay the partners that referred them: every registry kind with a
 * REFERRER deal hook, under the version in effect on the close date. No partner histories are
 * read: a referrer's fee depends on the referred deal alone.
 */
export const referralFeesSource: PayoutSource = {
  name: 'referral fees',
  payeeKinds: ['PARTNER'],
  payees: (scope) => distinctIds(wonInQuarter(scope).select('DISTINCT deal.referringPartnerId', 'id').andWhere('deal.referringPartnerId IS NOT NULL').getRawMany()),
  async lines(ledger, rules) {
    const deals = await ledger.wonDeals('referringPartnerId');
    return deals.flatMap((row) => referrerPayouts(dealFacts(row), dealRuleSet(rules, row.programCode, row.closedOn!)));
  },
};
