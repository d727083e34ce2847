import { Arg, Ctx, FieldResolver, ID, Mutation, Resolver, Root } from 'type-graphql';
import { MoneyType, toMoney } from '@hub/graphql-kit';
import { remainingMdf } from '../domain';
import type { MdfAllocationEntity, MdfClaimEntity, MdfRequestEntity } from '../entities';
import type { IncentivesContext } from './context';
import { MdfClaimInput, MdfRequestInput } from './inputs';
import { MdfAllocationType, MdfClaimType, MdfRequestType, PartnerStub } from './types';

@Resolver(() => MdfAllocationType)
export class MdfAllocationResolver {
  @Mutation(() => MdfAllocationType, { description: 'Sets the MDF a partner may request in a period; never below what its requests already hold. Staff.' })
  allocateMdf(@Arg('partnerId', () => ID) partnerId: string, @Arg('period', () => String) period: string, @Arg('amount', () => String) amount: string, @Ctx() ctx: IncentivesContext) {
    return ctx.mdf.allocate(ctx.claims, partnerId, period, amount);
  }

  @Mutation(() => MdfRequestType, { description: 'Asks for funds within the remaining balance (INCENTIVES.MDF_INSUFFICIENT_BALANCE otherwise).' })
  requestMdf(@Arg('input', () => MdfRequestInput) input: MdfRequestInput, @Ctx() ctx: IncentivesContext) {
    return ctx.mdf.request(ctx.claims, input);
  }

  @Mutation(() => MdfRequestType)
  decideMdfRequest(@Arg('id', () => ID) id: string, @Arg('approve', () => Boolean) approve: boolean, @Arg('note', () => String, { nullable: true }) note: string | null, @Ctx() ctx: IncentivesContext) {
    return ctx.mdf.decideRequest(ctx.claims, id, approve, note);
  }

  @Mutation(() => MdfClaimType, { description: 'Claims against an approved request with a proof-of-performance reference.' })
  claimMdf(@Arg('input', () => MdfClaimInput) input: MdfClaimInput, @Ctx() ctx: IncentivesContext) {
    return ctx.mdf.claim(ctx.claims, input);
  }

  @Mutation(() => MdfClaimType, { description: 'An approved claim is paid in the statement of the quarter it was approved in.' })
  decideMdfClaim(@Arg('id', () => ID) id: string, @Arg('approve', () => Boolean) approve: boolean, @Arg('note', () => String, { nullable: true }) note: string | null, @Ctx() ctx: IncentivesContext) {
    return ctx.mdf.decideClaim(ctx.claims, id, approve, note);
  }

  @FieldResolver(() => PartnerStub)
  partner(@Root() allocation: MdfAllocationEntity): PartnerStub {
    return { id: allocation.partnerId };
  }

  @FieldResolver(() => MoneyType)
  amount(@Root() allocation: MdfAllocationEntity): MoneyType {
    return toMoney(allocation.amount, allocation.currency);
  }

  @FieldResolver(() => MoneyType, { description: 'What is left to request: pending and approved requests hold their amount.' })
  async remaining(@Root() allocation: MdfAllocationEntity, @Ctx() ctx: IncentivesContext): Promise<MoneyType> {
    const requests = await ctx.loaders.requestsByAllocation.load(allocation.id);
    return toMoney(remainingMdf(allocation.amount, requests.map((r) => ({ status: r.status, amountMinor: r.amount }))), allocation.currency);
  }

  @FieldResolver(() => [MdfRequestType], { description: 'Readable by whoever may read the allocation.' })
  requests(@Root() allocation: MdfAllocationEntity, @Ctx() ctx: IncentivesContext) {
    return ctx.loaders.requestsByAllocation.load(allocation.id);
  }
}

@Resolver(() => MdfRequestType)
export class MdfRequestResolver {
  @FieldResolver(() => MoneyType)
  amount(@Root() request: MdfRequestEntity): MoneyType {
    return toMoney(request.amount, request.currency);
  }

  @FieldResolver(() => [MdfClaimType])
  claims(@Root() request: MdfRequestEntity, @Ctx() ctx: IncentivesContext) {
    return ctx.loaders.claimsByRequest.load(request.id);
  }
}

@Resolver(() => MdfClaimType)
export class MdfClaimResolver {
  @FieldResolver(() => MoneyType)
  amount(@Root() claim: MdfClaimEntity): MoneyType {
    return toMoney(claim.amount, claim.currency);
  }
}
