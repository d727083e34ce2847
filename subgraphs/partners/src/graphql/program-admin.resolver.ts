import { Arg, Ctx, Field, InputType, Int, Mutation, Resolver } from 'type-graphql';
import { DateScalar } from '@hub/graphql-kit';
import type { ProgramEntity, TierEntity } from '../entities';
import type { PartnersContext } from './context';
import { ProgramType, TierType } from './types';

@InputType({ description: 'One rung of a program\'s ladder.' })
export class TierInput {
  @Field(() => String)
  code: string;

  @Field(() => String)
  name: string;

  @Field(() => Int, {
    nullable: true,
    description: 'Place on the ladder, lowest first (1). In saveProgram the list order when absent; in saveTier the tier keeps its place, and a tier placed at a taken rank moves those from there up by one.',
  })
  rank?: number | null;

  @Field(() => Int)
  minCertifiedStaff: number;

  @Field(() => String, { description: 'Yearly new-business revenue required, an exact decimal in the program\'s currency (e.g. "250000.00").' })
  minRevenue: string;

  @Field(() => Int, { nullable: true, description: 'At most this many partners may hold the tier; absent is unlimited. Never below its holders.' })
  capacity?: number | null;

  @Field(() => [String], { nullable: true, description: 'Names of the tiers this one replaces (e.g. Affinity Plus for Silver).' })
  legacyNames?: string[] | null;
}

@InputType()
export class SpecializationInput {
  @Field(() => String)
  code: string;

  @Field(() => String)
  name: string;

  @Field(() => String, { nullable: true, description: 'The product line whose deals earn the back-end rebate uplift.' })
  productLine?: string | null;

  @Field(() => Int)
  requiredSales: number;

  @Field(() => Int)
  requiredTechnical: number;
}

@InputType()
export class SaveProgramInput {
  @Field(() => String, { description: 'New or existing program code, e.g. FR-2023.' })
  code: string;

  @Field(() => String)
  name: string;

  @Field(() => String, { description: 'ISO 4217; an existing program keeps its currency.' })
  currency: string;

  @Field(() => [String], { description: 'ISO 3166-1 alpha-2 codes; a country with partners in the program stays.' })
  countries: string[];

  @Field(() => DateScalar, { description: 'When this version takes effect: on or after the version in force.' })
  effectiveFrom: string;

  @Field(() => DateScalar, { nullable: true, description: 'No downgrade takes effect on or before this date.' })
  noDowngradeUntil?: string | null;

  @Field(() => [TierInput], { nullable: true, description: 'The whole ladder, lowest first. Required for a new program; kept when absent. A tier with holders is never removed.' })
  tiers?: TierInput[] | null;

  @Field(() => [SpecializationInput], { nullable: true, description: 'Added or changed; none is removed (certifications name them).' })
  specializations?: SpecializationInput[] | null;
}

@InputType()
export class SaveTierInput extends TierInput {
  @Field(() => String)
  programCode: string;

  @Field(() => DateScalar, { description: 'When the program\'s next version, with this tier, takes effect: on or after the version in force.' })
  effectiveFrom: string;
}

/** Vendor admins edit programs and ladders; each save is the program's next version, published as program.saved. */
@Resolver()
export class ProgramAdminResolver {
  @Mutation(() => ProgramType, { description: 'Creates a program or writes its next version (vendor admins).' })
  async saveProgram(@Arg('input', () => SaveProgramInput) input: SaveProgramInput, @Ctx() ctx: PartnersContext): Promise<ProgramEntity> {
    return ctx.services.programs.saveProgram(ctx.claims, input);
  }

  @Mutation(() => TierType, { description: 'Adds or changes one tier; the program moves to its next version (vendor admins).' })
  async saveTier(@Arg('input', () => SaveTierInput) input: SaveTierInput, @Ctx() ctx: PartnersContext): Promise<TierEntity> {
    return ctx.services.programs.saveTier(ctx.claims, input);
  }
}
