import { In } from 'typeorm';
import type { Claims } from '@hub/auth';
import { requireClaims, READ_ALL_ROLES } from '@hub/auth';
import type { Database } from '@hub/db';
import { type Clock, ForbiddenError } from '@hub/domain';
import { dealPayouts, priceQuote, type PayoutLine, type PriceQuote } from '../domain';
import { DealFactEntity } from '../entities';
import { canReadPayee } from './access';
import { dealFacts, dealRuleSet, loadPrograms, PartnerHistories } from './ledger-reader';
import { loadRules } from './rules';

export interface DealIncentives {
  deal: DealFactEntity;
  quote: PriceQuote | null;
  /** Empty unless the deal is won. */
  payouts: PayoutLine[];
}

/**
 * A deal's price and payouts as incentives computes them from its ledger: the partner's tier
 * and specializations on the close date (today for a deal still open), and the rules in effect
 * then. Nothing here is stored; statements are where payouts are committed.
 */
export class DealIncentivesService {
  constructor(
    private readonly database: Database,
    private readonly clock: Clock,
  ) {}

  /** For a batch of deals (one DataLoader tick): a fixed number of queries however many deals. */
  async compute(dealIds: readonly string[]): Promise<Map<string, DealIncentives>> {
    const manager = this.database.dataSource.manager;
    const deals = await manager.findBy(DealFactEntity, { dealId: In([...dealIds]) });
    if (deals.length === 0) return new Map();
    const [rules, programs] = await Promise.all([loadRules(manager), loadPrograms(manager)]);
    const histories = await PartnerHistories.load(
      manager,
      deals.map((deal) => deal.partnerId),
      programs,
    );
    const today = this.clock.today();
    return new Map(
      deals.map((deal) => {
        const date = deal.closedOn ?? today;
        const standing = histories.standingOn(deal.partnerId, date);
        const ruleSet = dealRuleSet(rules, deal.programCode, date);
        const facts = dealFacts(deal);
        return [
          deal.dealId,
          {
            deal,
            quote: standing && priceQuote(facts, standing, ruleSet),
            payouts: standing && deal.status === 'WON' ? dealPayouts(facts, standing, ruleSet) : [],
          },
        ];
      }),
    );
  }

  /** The registering partner, staff and BI see the quote; the referrer and distributor do not. */
  quoteFor(claims: Claims | null, incentives: DealIncentives | undefined): PriceQuote | null {
    const caller = requireClaims(claims);
    if (!incentives) return null;
    if (!READ_ALL_ROLES.includes(caller.role) && !(caller.role === 'partner' && caller.partnerId === incentives.deal.partnerId)) {
      throw new ForbiddenError(`You may not read the price quote of deal ${incentives.deal.dealId}`);
    }
    return incentives.quote;
  }

  /** Each caller sees only the lines payable to it; staff and BI see all. */
  payoutsFor(claims: Claims | null, incentives: DealIncentives | undefined): PayoutLine[] {
    const caller = requireClaims(claims);
    return (incentives?.payouts ?? []).filter((line) => canReadPayee(caller, line.payee));
  }
}
