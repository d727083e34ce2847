import { Arg, Args, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root, Subscription } from 'type-graphql';
import { ForbiddenError } from '@hub/domain';
import { DateScalar, MoneyType, PageArgs, PageInfo, pageRequest, toConnection, toMoney } from '@hub/graphql-kit';
import type { DealEntity } from '../entities/deal.entity';
import type { DealLineEntity } from '../entities/deal-line.entity';
import type { DealsContext } from './context';
import { DealEventFilter, DealFilter, RegisterDealInput } from './inputs';
import { assertCanReadPartnerFacts } from '../services/access';
import { dealFromEvent, type LiveDealEvent } from '../services/live-deals';
import type { PartnerFacts } from '../services/partner-facts';
import { DealConnection, DealEventConnection, DealEventType, DealOutsideCatalogConnection, DealLineType, DealType_, DistributorStub, EndCustomerType, PartnerStub } from './types';

@Resolver(() => DealType_)
export class DealResolver {
  @Query(() => DealType_, { nullable: true })
  async deal(@Arg('id', () => ID) id: string, @Ctx() ctx: DealsContext) {
    return ctx.deals.get(ctx.claims, id, (key) => ctx.loaders.deal.load(key));
  }

  // Nullable, as every list a portal page asks for beside others: deals down costs this field, not the page.
  @Query(() => DealConnection, { nullable: true })
  async deals(@Arg('filter', () => DealFilter, { nullable: true }) filter: DealFilter | null, @Args(() => PageArgs) page: PageArgs, @Ctx() ctx: DealsContext) {
    return toConnection(await ctx.deals.list(ctx.claims, filter ?? {}, pageRequest(page)));
  }

  @Query(() => DealOutsideCatalogConnection, {
    description:
      'Staff: deals with lines the catalog does not cover (unknown SKU, usage SKU, or another product line than the deal\'s), oldest first. SERVICE_UNAVAILABLE (retryable) until deals has received the catalog.',
  })
  async dealsOutsideCatalog(@Args(() => PageArgs) page: PageArgs, @Ctx() ctx: DealsContext) {
    return toConnection(await ctx.deals.outsideCatalog(ctx.claims, pageRequest(page)));
  }

  @Mutation(() => DealType_)
  registerDeal(@Arg('input', () => RegisterDealInput) input: RegisterDealInput, @Ctx() ctx: DealsContext) {
    return ctx.deals.register(ctx.claims, input);
  }

  @Mutation(() => DealType_)
  approveDeal(@Arg('id', () => ID) id: string, @Ctx() ctx: DealsContext) {
    return ctx.deals.approve(ctx.claims, id);
  }

  @Mutation(() => DealType_)
  rejectDeal(@Arg('id', () => ID) id: string, @Arg('reason', () => String) reason: string, @Ctx() ctx: DealsContext) {
    return ctx.deals.reject(ctx.claims, id, reason);
  }

  @Mutation(() => DealType_)
  withdrawDeal(@Arg('id', () => ID) id: string, @Ctx() ctx: DealsContext) {
    return ctx.deals.withdraw(ctx.claims, id);
  }

  @Mutation(() => DealType_, { description: 'Extends an approval by a number of days.' })
  extendDeal(@Arg('id', () => ID) id: string, @Arg('days', () => Int) days: number, @Ctx() ctx: DealsContext) {
    return ctx.deals.extend(ctx.claims, id, days);
  }

  @Mutation(() => DealType_)
  markDealWon(@Arg('id', () => ID) id: string, @Arg('closedAt', () => DateScalar) closedAt: string, @Ctx() ctx: DealsContext) {
    return ctx.deals.markWon(ctx.claims, id, closedAt);
  }

  @Mutation(() => DealType_)
  markDealLost(@Arg('id', () => ID) id: string, @Arg('reason', () => String) reason: string, @Ctx() ctx: DealsContext) {
    return ctx.deals.markLost(ctx.claims, id, reason);
  }

  @Mutation(() => DealType_, { description: 'A won deal cancelled later; everything it earned is clawed back.' })
  reverseDeal(@Arg('id', () => ID) id: string, @Arg('reason', () => String) reason: string, @Ctx() ctx: DealsContext) {
    return ctx.deals.reverse(ctx.claims, id, reason);
  }

  @Mutation(() => DealType_, { description: 'The winner keeps the customer; the other registration is rejected.' })
  resolveConflict(@Arg('dealId', () => ID) dealId: string, @Arg('winnerDealId', () => ID) winnerDealId: string, @Ctx() ctx: DealsContext) {
    return ctx.deals.resolveConflict(ctx.claims, dealId, winnerDealId);
  }

  @Query(() => DealEventConnection, {
    description:
      'The deal feed: every change to a deal the caller may read, in commit order, from after the event `after` names (from the oldest kept without it). CURSOR_EXPIRED when `after` is older than the feed keeps.',
  })
  async dealEvents(
    @Arg('filter', () => DealEventFilter, { nullable: true }) filter: DealEventFilter | null,
    @Args(() => PageArgs) page: PageArgs,
    @Ctx() ctx: DealsContext,
  ): Promise<DealEventConnection> {
    const { first, after } = pageRequest(page);
    const events = await ctx.dealFeed.page(ctx.claims, filter ?? {}, after ?? null, first);
    const edges = events.events.map((event) => ({ cursor: event.id, node: toDealEvent(event) }));
    return { edges, pageInfo: Object.assign(new PageInfo(), { hasNextPage: events.more, endCursor: edges.at(-1)?.cursor ?? after ?? null }) };
  }

  @Subscription(() => DealEventType, {
    description:
      'Every change to a deal the caller may read, optionally narrowed to a partner and/or a distributor. With `after` (an event id), first every event after it from the deal feed, then live ones, in commit order with none missed or repeated; CURSOR_EXPIRED when it is older than the feed keeps.',
    subscribe: ({ args, context }) => (context as DealsContext).live.subscribe((context as DealsContext).claims, args),
  })
  dealUpdated(
    @Root() event: LiveDealEvent,
    @Arg('partnerId', () => ID, { nullable: true }) _partnerId: string | null,
    @Arg('distributorId', () => ID, { nullable: true }) _distributorId: string | null,
    @Arg('after', () => ID, { nullable: true, description: 'The id of the last event received: resume after it.' }) _after: string | null,
  ): DealEventType {
    return toDealEvent(event);
  }

  @FieldResolver(() => PartnerStub)
  partner(@Root() deal: LiveDeal): PartnerRoot {
    return { id: deal.partnerId, facts: deal.partnerFacts };
  }

  @FieldResolver(() => DistributorStub, { nullable: true })
  distributor(@Root() deal: DealEntity): DistributorStub | null {
    return deal.distributorId ? { id: deal.distributorId } : null;
  }

  @FieldResolver(() => PartnerStub, { nullable: true })
  referringPartner(@Root() deal: DealEntity): PartnerStub | null {
    return deal.referringPartnerId ? { id: deal.referringPartnerId } : null;
  }

  @FieldResolver(() => EndCustomerType)
  endCustomer(@Root() deal: DealEntity): EndCustomerType {
    return { name: deal.customerName, country: deal.customerCountry, domain: deal.customerDomain };
  }

  @FieldResolver(() => MoneyType, { description: 'Sum of the lines: seats × recommended partner buy price.' })
  amount(@Root() deal: DealEntity): MoneyType {
    return toMoney(deal.amount, deal.currency);
  }

  @FieldResolver(() => [DealLineType])
  lines(@Root() deal: DealEntity & { eventLines?: DealLineEntity[] }, @Ctx() ctx: DealsContext) {
    // A deal from a live event carries its lines; no database read per subscriber.
    return deal.eventLines ?? ctx.loaders.linesByDeal.load(deal.id);
  }

  @FieldResolver(() => DealType_, { nullable: true, description: 'The earlier registration this one conflicts with, until resolved.' })
  async conflictWith(@Root() deal: DealEntity, @Ctx() ctx: DealsContext) {
    if (!deal.conflictWithId) return null;
    // The protected registration belongs to another partner: show it only to those who may read it.
    return ctx.deals.get(ctx.claims, deal.conflictWithId, (key) => ctx.loaders.deal.load(key)).catch((error: unknown) => {
      if (error instanceof ForbiddenError) return null;
      throw error;
    });
  }
}

@Resolver(() => DealLineType)
export class DealLineResolver {
  @FieldResolver(() => MoneyType, { description: 'Recommended partner buy price per seat.' })
  async unitPrice(@Root() line: DealLineEntity & { currency?: string }, @Ctx() ctx: DealsContext) {
    return toMoney(line.unitPrice, await currencyOf(line, ctx));
  }

  @FieldResolver(() => MoneyType)
  async amount(@Root() line: DealLineEntity & { currency?: string }, @Ctx() ctx: DealsContext) {
    return toMoney(line.amount, await currencyOf(line, ctx));
  }
}

@Resolver(() => PartnerStub)
export class PartnerDealsResolver {
  /**
   * Reached where deals `@provides` the name: a live event's deal, answered from the facts that
   * came with the event, so no read per subscriber. Hive Gateway's JavaScript planner (not the
   * Rust one) also sends here the name of any partner a deal returns, as it keys provides by
   * parent type, not by path: those are read from the same copy, one query per request.
   * Whoever partners would refuse is refused.
   */
  @FieldResolver(() => String)
  name(@Root() partner: PartnerRoot, @Ctx() ctx: DealsContext): string | Promise<string> {
    const readName = (facts: PartnerFacts | null): string => {
      if (!facts) throw new Error(`deals knows no partner ${partner.id}`);
      assertCanReadPartnerFacts(ctx.claims, facts);
      return facts.name;
    };
    // Synchronous on the live path: a thousand subscribers, a thousand promises fewer per event.
    return partner.facts ? readName(partner.facts) : ctx.partnerFacts.load(partner.id).then(readName);
  }

  // Nullable: with deals down a partner keeps its name and the other subgraphs' fields (SUBGRAPH_UNAVAILABLE here).
  @FieldResolver(() => DealConnection, { nullable: true, description: 'The partner\'s registrations, oldest first.' })
  async deals(
    @Root() partner: PartnerStub,
    @Arg('filter', () => DealFilter, { nullable: true }) filter: DealFilter | null,
    @Args(() => PageArgs) page: PageArgs,
    @Ctx() ctx: DealsContext,
  ) {
    return toConnection(await ctx.loaders.dealsOfPartner({ claims: ctx.claims, filter: filter ?? {}, page: pageRequest(page) }).load(partner.id));
  }
}

/** A deal from a live event carries its partner's facts; one read from the database does not. */
type LiveDeal = DealEntity & { partnerFacts?: PartnerFacts };
type PartnerRoot = PartnerStub & { facts?: PartnerFacts };

function toDealEvent(event: LiveDealEvent): DealEventType {
  return { id: event.id, kind: event.kind, at: new Date(event.at), deal: liveDeal(event) as unknown as DealType_ };
}

// Every subscriber of an instance receives the same event object: build its deal once, not once
// per subscriber (resolvers only read it).
const liveDeals = new WeakMap<LiveDealEvent, LiveDeal>();
function liveDeal(event: LiveDealEvent): LiveDeal {
  let deal = liveDeals.get(event);
  if (!deal) {
    deal = { ...dealFromEvent(event.payload), partnerFacts: event.partner };
    liveDeals.set(event, deal);
  }
  return deal;
}

async function currencyOf(line: DealLineEntity & { currency?: string }, ctx: DealsContext): Promise<string> {
  if (line.currency) return line.currency;
  const deal = await ctx.loaders.deal.load(line.dealId);
  if (!deal) throw new Error(`deal ${line.dealId} of a line is missing`);
  return deal.currency;
}
