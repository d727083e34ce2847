import { Arg, Ctx, Field, Int, ObjectType, Query, Resolver } from 'type-graphql';
import type { LicensesContext } from './context';

@ObjectType('UsageSeats', { description: "Seats of one product line on a program's usage statements of one month (BI)." })
export class UsageSeatsType {
  @Field(() => String)
  programCode: string;

  @Field(() => String, { description: 'The month, "2026-09".' })
  period: string;

  @Field(() => String)
  productLine: string;

  @Field(() => Int, { description: 'Seats on the open and issued statements of the month.' })
  seats: number;
}

@Resolver(() => UsageSeatsType)
export class UsageSeatsResolver {
  @Query(() => [UsageSeatsType], { description: 'Usage seats by month and product line over the quarters from `from` to `to` (at most 40). BI and staff.' })
  usageSeats(
    @Arg('programCode', () => String) programCode: string,
    @Arg('from', () => String, { description: 'First quarter, "2026-Q1".' }) from: string,
    @Arg('to', () => String, { description: 'Last quarter, inclusive.' }) to: string,
    @Ctx() ctx: LicensesContext,
  ): Promise<UsageSeatsType[]> {
    return ctx.usageSeats.periods(ctx.claims, programCode, from, to);
  }
}
