import { Arg, Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import { MoneyType, toMoney } from '@hub/graphql-kit';
import { type ProgramEntity, type TierEntity } from '../entities';
import type { PartnersContext } from './context';
import { DistributorType, LegacyTierMappingType, ProgramType, SpecializationType, TierType } from './types';

@Resolver(() => ProgramType)
export class ProgramResolver {
  @Query(() => [ProgramType])
  async programs(@Ctx() ctx: PartnersContext): Promise<ProgramEntity[]> {
    return ctx.services.partners.programs(ctx.claims);
  }

  @Query(() => ProgramType, { nullable: true })
  async program(@Arg('code', () => String) code: string, @Ctx() ctx: PartnersContext): Promise<ProgramEntity | null> {
    return ctx.loaders.program.load(code);
  }

  @Query(() => [DistributorType])
  async distributors(@Ctx() ctx: PartnersContext) {
    return ctx.services.partners.distributors(ctx.claims);
  }

  @FieldResolver(() => [TierType], { description: 'The ladder, lowest first.' })
  async tiers(@Root() program: ProgramEntity, @Ctx() ctx: PartnersContext): Promise<TierEntity[]> {
    return ctx.loaders.tiersByProgram.load(program.code);
  }

  @FieldResolver(() => [SpecializationType])
  async specializations(@Root() program: ProgramEntity, @Ctx() ctx: PartnersContext) {
    return ctx.loaders.specializationsByProgram.load(program.code);
  }

  @FieldResolver(() => [LegacyTierMappingType], { description: 'Which new tier each legacy tier name maps to.' })
  async legacyTierMappings(@Root() program: ProgramEntity, @Ctx() ctx: PartnersContext) {
    const tiers = await ctx.loaders.tiersByProgram.load(program.code);
    return tiers.flatMap((tier) => tier.legacyNames.map((legacyName) => ({ legacyName, tier })));
  }
}

@Resolver(() => TierType)
export class TierResolver {
  @FieldResolver(() => ProgramType)
  async program(@Root() tier: TierEntity, @Ctx() ctx: PartnersContext) {
    return ctx.loaders.program.load(tier.programCode);
  }

  @FieldResolver(() => MoneyType, { description: 'Yearly new-business revenue the tier requires (renewals excluded).' })
  async minRevenue(@Root() tier: TierEntity, @Ctx() ctx: PartnersContext): Promise<MoneyType> {
    const program = await ctx.loaders.program.load(tier.programCode);
    return toMoney(tier.minRevenue, program?.currency ?? 'EUR');
  }
}
