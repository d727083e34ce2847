import { Arg, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { DateScalar, toMoney } from '@hub/graphql-kit';
import type { IncentiveRuleEntity } from '../entities';
import type { SimulatedAmounts, StatementSimulation } from '../services/simulation.service';
import type { IncentivesContext } from './context';
import { PublishIncentiveRuleInput } from './inputs';
import { IncentiveRuleType, StatementSimulationType } from './types';

@Resolver(() => IncentiveRuleType)
export class IncentiveRuleResolver {
  @Mutation(() => IncentiveRuleType, { description: 'Adds the next version of a program\'s rule, effective from a date; the version before it ends the day before. Vendor admins.' })
  async publishIncentiveRule(@Arg('input', () => PublishIncentiveRuleInput) input: PublishIncentiveRuleInput, @Ctx() ctx: IncentivesContext): Promise<IncentiveRuleType> {
    return ruleView(await ctx.rules.publish(ctx.claims, input));
  }

  @Mutation(() => IncentiveRuleType, { description: 'Ends the latest version of a rule on effectiveTo (inclusive): from the day after, the program has no rule of that kind. Vendor admins.' })
  async retireIncentiveRule(@Arg('id', () => ID) id: string, @Arg('effectiveTo', () => DateScalar) effectiveTo: string, @Ctx() ctx: IncentivesContext): Promise<IncentiveRuleType> {
    return ruleView(await ctx.rules.retire(ctx.claims, id, effectiveTo));
  }

  @Query(() => StatementSimulationType, {
    description: 'The quarter computed under draft rule versions (each published after the ones before it, as publishIncentiveRule would) next to the published rules, per payee and in total; writes nothing. Vendor admins.',
  })
  async simulateStatements(
    @Arg('period', () => String) period: string,
    @Arg('draftRules', () => [PublishIncentiveRuleInput]) draftRules: PublishIncentiveRuleInput[],
    @Ctx() ctx: IncentivesContext,
  ): Promise<StatementSimulationType> {
    return simulationView(await ctx.simulation.simulate(ctx.claims, period, draftRules));
  }
}

export function ruleView(rule: IncentiveRuleEntity): IncentiveRuleType {
  return { ...rule, parameters: JSON.stringify(rule.parameters) };
}

function amounts({ currency, currentMinor, simulatedMinor }: SimulatedAmounts) {
  return { current: toMoney(currentMinor, currency), simulated: toMoney(simulatedMinor, currency), difference: toMoney(simulatedMinor - currentMinor, currency) };
}

function simulationView(simulation: StatementSimulation): StatementSimulationType {
  return {
    period: simulation.period,
    payees: simulation.payees.map((payee) => ({ payee: { kind: payee.payeeKind, id: payee.payeeId }, status: payee.status, ...amounts(payee) })),
    totals: simulation.totals.map(amounts),
    byRuleKind: simulation.byRuleKind.map((total) => ({ kind: total.kind, ...amounts(total) })),
  };
}
