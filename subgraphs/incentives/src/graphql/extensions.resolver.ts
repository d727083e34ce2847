import { Arg, Args, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { DateScalar, PageArgs, pageRequest, toConnection, toMoney } from '@hub/graphql-kit';
import { keysetSlice } from '@hub/db';
import { NotFoundError } from '@hub/domain';
import type { IncentiveLine } from '../domain';
import type { StatementEntity } from '../entities';
import type { IncentivesContext } from './context';
import { DealStub, type DiscountLineType, MdfAllocationType, PartnerStub, PayoutLineType, PriceQuoteType, StatementConnection, TierStandingType } from './types';

const money = (line: IncentiveLine) => ({
  rule: line.rule,
  ruleVersion: line.ruleVersion,
  base: toMoney(line.baseMinor, line.currency),
  rate: line.rate,
  amount: toMoney(line.amountMinor, line.currency),
  explanation: line.explanation,
});

// Every field incentives adds to a deal or a partner is nullable: with incentives down (or timed
// out) the deal or partner keeps the other subgraphs' fields, and these answer null with
// SUBGRAPH_UNAVAILABLE.
@Resolver(() => DealStub)
export class DealIncentivesResolver {
  @FieldResolver(() => PriceQuoteType, { nullable: true, description: "List, each discount (rule, rate, amount, why) and net, at the partner's tier on the close date (today while open)." })
  async priceQuote(@Root() deal: DealStub, @Ctx() ctx: IncentivesContext): Promise<PriceQuoteType> {
    const quote = ctx.deals.quoteFor(ctx.claims, await ctx.loaders.dealIncentives.load(deal.id));
    if (!quote) throw new NotFoundError('Deal (in the incentives ledger)', deal.id);
    return {
      listAmount: toMoney(quote.listMinor, quote.currency),
      discounts: quote.discounts.map((line): DiscountLineType => money(line)),
      netAmount: toMoney(quote.netMinor, quote.currency),
    };
  }

  @FieldResolver(() => [PayoutLineType], { nullable: true, description: 'What the won deal pays, line by line; each caller sees the lines payable to it.' })
  async payoutLines(@Root() deal: DealStub, @Ctx() ctx: IncentivesContext): Promise<PayoutLineType[]> {
    return ctx.deals.payoutsFor(ctx.claims, await ctx.loaders.dealIncentives.load(deal.id)).map((line) => ({ ...money(line), source: line.source }));
  }
}

@Resolver(() => PartnerStub)
export class PartnerIncentivesResolver {
  @FieldResolver(() => TierStandingType, { nullable: true, description: 'Trailing-12-month standing on a date (default today): qualified tier, next tier and the gap.' })
  async standing(@Root() partner: PartnerStub, @Arg('asOf', () => DateScalar, { nullable: true }) asOf: string | null, @Ctx() ctx: IncentivesContext): Promise<TierStandingType> {
    ctx.standing.authorize(ctx.claims, partner.id);
    const date = ctx.standing.asOf(asOf);
    const view = await ctx.loaders.standing.load(`${partner.id}|${date}`);
    if (!view) throw new NotFoundError('Partner (in the incentives ledger)', partner.id);
    return {
      asOf: view.asOf,
      newBusinessRevenue: toMoney(view.newBusinessRevenueMinor, view.currency),
      renewalRevenue: toMoney(view.renewalRevenueMinor, view.currency),
      certifiedStaff: view.certifiedStaff,
      qualifiedTier: { id: `${view.programCode}:${view.qualifiedTier.code}` },
      nextTier: view.nextTier && { id: `${view.programCode}:${view.nextTier.code}` },
      gapRevenue: view.gapRevenueMinor === null ? null : toMoney(view.gapRevenueMinor, view.currency),
      gapStaff: view.gapStaff,
      notes: view.notes,
    };
  }

  @FieldResolver(() => StatementConnection, { nullable: true, description: "The partner's statements, oldest first." })
  async statements(@Root() partner: PartnerStub, @Args(() => PageArgs) page: PageArgs, @Ctx() ctx: IncentivesContext) {
    // Two queries for every partner of the request; a partner sees only its own (others: empty).
    const readable = ctx.statements.readableBy(ctx.claims, { kind: 'PARTNER', id: partner.id });
    const request = pageRequest(page);
    return toConnection(readable ? await ctx.loaders.statementsOfPartner(request).load(partner.id) : keysetSlice([], (statement: StatementEntity) => statement.id, request));
  }

  @FieldResolver(() => [MdfAllocationType], { nullable: true })
  async mdfAllocations(@Root() partner: PartnerStub, @Ctx() ctx: IncentivesContext) {
    // Like statements: one query for every partner of the request; another partner's are not listed.
    return ctx.statements.readableBy(ctx.claims, { kind: 'PARTNER', id: partner.id }) ? ctx.loaders.allocationsByPartner.load(partner.id) : [];
  }
}
