import { Arg, Ctx, Field, Int, ObjectType, Query, Resolver } from 'type-graphql';
import type { DealsContext } from './context';

@ObjectType('PipelineFunnel', { description: "One quarter's registrations of a program through the pipeline (BI)." })
export class PipelineFunnelType {
  @Field(() => String)
  programCode: string;

  @Field(() => String, { description: 'The quarter the deals were registered in, "2026-Q3".' })
  period: string;

  @Field(() => Int, { description: 'Deals registered in the quarter.' })
  registered: number;

  @Field(() => Int, { description: 'Of those, approved (whatever happened next).' })
  approved: number;

  @Field(() => Int, { description: 'Of those, won (reversed since included).' })
  won: number;

  @Field(() => String, { nullable: true, description: 'approved / registered, an exact decimal with 4 places; null without registrations.' })
  approvalRate: string | null;

  @Field(() => String, { nullable: true, description: 'won / approved, an exact decimal with 4 places; null without approvals.' })
  winRate: string | null;

  @Field(() => String, { nullable: true, description: 'Median days from registration to approval, 2 places.' })
  medianDaysToApproval: string | null;

  @Field(() => String, { nullable: true, description: "Median days from the approval's day to the close date of won deals, 2 places." })
  medianDaysToWin: string | null;
}

@Resolver(() => PipelineFunnelType)
export class PipelineFunnelResolver {
  @Query(() => [PipelineFunnelType], { description: 'The pipeline funnel per quarter from `from` to `to` (at most 40). BI and staff.' })
  pipelineFunnel(
    @Arg('programCode', () => String) programCode: string,
    @Arg('from', () => String, { description: 'First quarter, "2026-Q1".' }) from: string,
    @Arg('to', () => String, { description: 'Last quarter, inclusive.' }) to: string,
    @Ctx() ctx: DealsContext,
  ): Promise<PipelineFunnelType[]> {
    return ctx.pipelineFunnel.periods(ctx.claims, programCode, from, to);
  }
}
