import { Arg, Ctx, Field, Int, ObjectType, Query, Resolver } from 'type-graphql';
import { MoneyType, toMoney } from '@hub/graphql-kit';
import type { ProgramPeriodMetrics } from '../services/program-metrics.service';
import type { IncentivesContext } from './context';
import { TierStub } from './types';

@ObjectType('TierCount', { description: "Partners on one tier on the period's last day." })
export class TierCountType {
  @Field(() => TierStub)
  tier: TierStub;

  @Field(() => String)
  tierCode: string;

  @Field(() => Int)
  partners: number;
}

@ObjectType('RulePayouts', { description: "The period's statement lines of one rule kind (any statement status), in one currency." })
export class RulePayoutsType {
  @Field(() => String, { description: 'The rule kind, as on PayoutLine.rule.' })
  rule: string;

  @Field(() => Int)
  lines: number;

  @Field(() => MoneyType)
  amount: MoneyType;
}

@ObjectType('MdfUse', { description: "MDF of the program's partners, by the period of the allocation." })
export class MdfUseType {
  @Field(() => MoneyType)
  allocated: MoneyType;

  @Field(() => MoneyType, { description: 'Requests not rejected (pending and approved).' })
  requested: MoneyType;

  @Field(() => MoneyType, { description: 'Claims not rejected (pending and approved).' })
  claimed: MoneyType;
}

@ObjectType('ProgramPeriodMetrics', { description: "One program's figures for one quarter (BI)." })
export class ProgramPeriodMetricsType {
  @Field(() => String)
  programCode: string;

  @Field(() => String, { description: '"2026-Q3".' })
  period: string;

  @Field(() => [TierCountType], { description: "The program's partners by the tier in force on the quarter's last day (before any assignment, the lowest tier)." })
  tierDistribution: TierCountType[];

  @Field(() => [RulePayoutsType], { description: "Payout lines of the quarter's statements by rule kind; a line counts for its deal's program, else its payee's." })
  payoutsByRule: RulePayoutsType[];

  @Field(() => MdfUseType)
  mdf: MdfUseType;
}

export function programPeriodView(m: ProgramPeriodMetrics): ProgramPeriodMetricsType {
  return {
    programCode: m.programCode,
    period: m.period,
    tierDistribution: m.tierDistribution.map((t) => ({ tier: { id: `${m.programCode}:${t.tierCode}` }, tierCode: t.tierCode, partners: t.partners })),
    payoutsByRule: m.payoutsByRule.map((p) => ({ rule: p.rule, lines: p.lines, amount: toMoney(p.amountMinor, p.currency) })),
    mdf: {
      allocated: toMoney(m.mdf.allocatedMinor, m.mdf.currency),
      requested: toMoney(m.mdf.requestedMinor, m.mdf.currency),
      claimed: toMoney(m.mdf.claimedMinor, m.mdf.currency),
    },
  };
}

@Resolver(() => ProgramPeriodMetricsType)
export class ProgramMetricsResolver {
  @Query(() => [ProgramPeriodMetricsType], {
    description: 'Program-level figures per quarter from `from` to `to` (at most 40): tier distribution, payouts by rule kind, MDF use. BI and staff.',
  })
  async programMetrics(
    @Arg('programCode', () => String) programCode: string,
    @Arg('from', () => String, { description: 'First quarter, "2026-Q1".' }) from: string,
    @Arg('to', () => String, { description: 'Last quarter, inclusive.' }) to: string,
    @Ctx() ctx: IncentivesContext,
  ): Promise<ProgramPeriodMetricsType[]> {
    return (await ctx.programMetrics.periods(ctx.claims, programCode, from, to)).map(programPeriodView);
  }
}
