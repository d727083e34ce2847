import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { DateScalar, MoneyType, PageArgs, pageRequest, toConnection, toMoney } from '@hub/graphql-kit';
import { JobType, toJob } from '@hub/jobs';
import type { PayoutLineEntity, StatementEntity } from '../entities';
import { startStatementsJob } from '../services/statement-jobs';
import type { IncentivesContext } from './context';
import { PartnerFilter, StatementFilter } from './inputs';
import { ruleView } from './rule.resolver';
import { IncentiveRuleType, PartnerMetricsConnection, PayeeUnion, PayoutLineType, StatementConnection, StatementType } from './types';

@Resolver(() => StatementType)
export class StatementResolver {
  @Query(() => [IncentiveRuleType], { description: "A program's rule versions; with asOf, only those in effect on that date." })
  async incentiveRules(@Arg('programCode', () => String) programCode: string, @Arg('asOf', () => DateScalar, { nullable: true }) asOf: string | null, @Ctx() ctx: IncentivesContext) {
    return (await ctx.rules.inEffect(ctx.claims, programCode, asOf)).map(ruleView);
  }

  @Query(() => StatementType, { nullable: true })
  statement(@Arg('payeeId', () => ID) payeeId: string, @Arg('period', () => String) period: string, @Ctx() ctx: IncentivesContext) {
    return ctx.statements.get(ctx.claims, payeeId, period);
  }

  // Nullable, as every list a portal page asks for beside others: incentives down costs this field, not the page.
  @Query(() => StatementConnection, { nullable: true })
  async statements(@Arg('filter', () => StatementFilter, { nullable: true }) filter: StatementFilter | null, @Args(() => PageArgs) page: PageArgs, @Ctx() ctx: IncentivesContext) {
    return toConnection(await ctx.statements.list(ctx.claims, filter ?? {}, pageRequest(page)));
  }

  @Query(() => PartnerMetricsConnection, { description: 'Per-partner revenue, deals, payouts, usage and tier for a quarter (BI).' })
  async partnerMetrics(
    @Arg('period', () => String) period: string,
    @Arg('filter', () => PartnerFilter, { nullable: true }) filter: PartnerFilter | null,
    @Args(() => PageArgs) page: PageArgs,
    @Ctx() ctx: IncentivesContext,
  ) {
    const metrics = await ctx.metrics.page(ctx.claims, period, filter ?? {}, pageRequest(page));
    return toConnection({
      ...metrics,
      nodes: metrics.nodes.map((m) => ({
        partner: { id: m.partnerId },
        period: m.period,
        tier: { id: `${m.programCode}:${m.tierCode}` },
        newBusinessRevenue: toMoney(m.newBusinessRevenueMinor, m.currency),
        renewalRevenue: toMoney(m.renewalRevenueMinor, m.currency),
        dealsWon: m.dealsWon,
        dealsReversed: m.dealsReversed,
        payouts: toMoney(m.payoutsMinor, m.currency),
        usage: toMoney(m.usageMinor, m.currency),
      })),
      cursorOf: (node: { partner: { id: string } }) => metrics.cursorOf(metrics.nodes.find((m) => m.partnerId === node.partner.id)!),
    });
  }

  @Mutation(() => JobType, {
    description: "Builds or rebuilds every open statement of the quarter as a job, answered at once (the quarter's job already queued or running if there is one); idempotent. Vendor admins.",
  })
  async computeStatements(@Arg('period', () => String) period: string, @Ctx() ctx: IncentivesContext): Promise<JobType> {
    return toJob(await startStatementsJob(ctx.jobs.runner, ctx.claims, period));
  }

  @Mutation(() => StatementType)
  approveStatement(@Arg('id', () => ID) id: string, @Ctx() ctx: IncentivesContext) {
    return ctx.statements.approve(ctx.claims, id);
  }

  @Mutation(() => StatementType)
  markStatementPaid(@Arg('id', () => ID) id: string, @Arg('reference', () => String) reference: string, @Ctx() ctx: IncentivesContext) {
    return ctx.statements.markPaid(ctx.claims, id, reference);
  }

  @FieldResolver(() => PayeeUnion)
  payee(@Root() statement: StatementEntity) {
    return { kind: statement.payeeKind, id: statement.payeeId };
  }

  @FieldResolver(() => MoneyType)
  total(@Root() statement: StatementEntity): MoneyType {
    return toMoney(statement.total, statement.currency);
  }

  @FieldResolver(() => [PayoutLineType])
  async lines(@Root() statement: StatementEntity, @Ctx() ctx: IncentivesContext): Promise<PayoutLineType[]> {
    return (await ctx.loaders.linesByStatement.load(statement.id)).map(lineView);
  }
}

function lineView(line: PayoutLineEntity): PayoutLineType {
  return {
    rule: line.rule,
    ruleVersion: line.ruleVersion,
    source: line.source,
    base: toMoney(line.base, line.currency),
    rate: line.rate,
    amount: toMoney(line.amount, line.currency),
    explanation: line.explanation,
  };
}
