import { createUnionType, Directive, Field, ID, Int, ObjectType } from 'type-graphql';
import { connectionType, DateScalar, DateTimeScalar, entityStub, MoneyType } from '@hub/graphql-kit';
import type { RuleKind } from '../domain';
import type { MdfRequestStatus } from '../domain';
import type { PayeeKind, StatementStatus } from '../entities';
import { MdfStatusEnum, PayeeKindEnum, RuleKindEnum, StatementStatusEnum } from './enums';

/** Owned by partners; incentives adds `standing`, `statements` and `mdfAllocations`. */
export const PartnerStub = entityStub('Partner');
export type PartnerStub = InstanceType<typeof PartnerStub>;

export const DistributorStub = entityStub('Distributor');
export type DistributorStub = InstanceType<typeof DistributorStub>;

/** Owned by partners: `<program>:<tier>`. */
export const TierStub = entityStub('Tier');
export type TierStub = InstanceType<typeof TierStub>;

/** Owned by deals; incentives adds `priceQuote` and `payoutLines`. */
export const DealStub = entityStub('Deal');
export type DealStub = InstanceType<typeof DealStub>;

export const PayeeUnion = createUnionType({
  name: 'Payee',
  description: 'Who a statement pays: a partner or a distributor.',
  types: () => [PartnerStub, DistributorStub] as const,
  // Payees are built as { kind, id } by the statement resolver.
  resolveType: (value) => ((value as { kind?: PayeeKind }).kind === 'DISTRIBUTOR' ? 'Distributor' : 'Partner'),
});

@ObjectType('IncentiveRule', { description: 'One version of a rule of a program, in effect from effectiveFrom to effectiveTo (inclusive).' })
export class IncentiveRuleType {
  @Field(() => ID, { description: 'What retireIncentiveRule takes.' })
  id: string;

  @Field(() => String)
  programCode: string;

  @Field(() => RuleKindEnum)
  kind: RuleKind;

  @Field(() => Int)
  version: number;

  @Field(() => DateScalar)
  effectiveFrom: string;

  @Field(() => DateScalar, { nullable: true })
  effectiveTo: string | null;

  @Field(() => String, { description: 'The rule\'s parameters as JSON (rates as exact decimal strings, thresholds in minor units).' })
  parameters: string;
}

@ObjectType('PayoutLine', { description: 'A line that explains itself: rule and version, source, base, rate, amount, and why.' })
export class PayoutLineType {
  @Field(() => String, { description: 'An IncentiveRuleKind name (BACK_END_REBATE, VOLUME_REBATE, CLAWBACK, …).' })
  rule: RuleKind;

  @Field(() => Int)
  ruleVersion: number;

  @Field(() => String, { description: '`deal:<id>`, `quarter:<partner>:<period>`, `mdf-claim:<id>`.' })
  source: string;

  @Field(() => MoneyType)
  base: MoneyType;

  @Field(() => String, { description: 'A percentage such as "7.5%"; "-100%" on a clawback.' })
  rate: string;

  @Field(() => MoneyType)
  amount: MoneyType;

  @Field(() => String)
  explanation: string;
}

@ObjectType('DiscountLine')
export class DiscountLineType {
  @Field(() => String, { description: 'An IncentiveRuleKind name (FRONT_END_DISCOUNT, DEAL_REGISTRATION_DISCOUNT).' })
  rule: RuleKind;

  @Field(() => Int)
  ruleVersion: number;

  @Field(() => MoneyType)
  base: MoneyType;

  @Field(() => String)
  rate: string;

  @Field(() => MoneyType)
  amount: MoneyType;

  @Field(() => String)
  explanation: string;
}

@ObjectType('PriceQuote', { description: "The partner's price for a deal: list, each discount off it, net." })
export class PriceQuoteType {
  @Field(() => MoneyType)
  listAmount: MoneyType;

  @Field(() => [DiscountLineType])
  discounts: DiscountLineType[];

  @Field(() => MoneyType)
  netAmount: MoneyType;
}

@Directive('@key(fields: "id")')
@ObjectType('Statement')
export class StatementType {
  @Field(() => ID)
  id: string;

  @Field(() => PayeeKindEnum)
  payeeKind: PayeeKind;

  @Field(() => String, { description: '"2026-Q3".' })
  period: string;

  @Field(() => StatementStatusEnum)
  status: StatementStatus;

  @Field(() => String)
  currency: string;

  @Field(() => DateTimeScalar)
  computedAt: Date;

  @Field(() => DateTimeScalar, { nullable: true })
  approvedAt: Date | null;

  @Field(() => DateTimeScalar, { nullable: true })
  paidAt: Date | null;

  @Field(() => String, { nullable: true })
  paymentReference: string | null;
}

@ObjectType('TierStanding')
export class TierStandingType {
  @Field(() => DateScalar)
  asOf: string;

  @Field(() => MoneyType, { description: 'Won new business over the trailing 12 months; renewals excluded.' })
  newBusinessRevenue: MoneyType;

  @Field(() => MoneyType, { description: 'Renewal deals and licence renewals over the same months; never counts toward tiers.' })
  renewalRevenue: MoneyType;

  @Field(() => Int)
  certifiedStaff: number;

  @Field(() => TierStub)
  qualifiedTier: TierStub;

  @Field(() => TierStub, { nullable: true })
  nextTier: TierStub | null;

  @Field(() => MoneyType, { nullable: true })
  gapRevenue: MoneyType | null;

  @Field(() => Int, { nullable: true })
  gapStaff: number | null;

  @Field(() => [String], { description: 'Why the qualified tier differs from what the numbers alone earn (grace date, a full tier).' })
  notes: string[];
}

@ObjectType('MdfAllocation')
export class MdfAllocationType {
  @Field(() => ID)
  id: string;

  @Field(() => String)
  period: string;
}

@ObjectType('MdfRequest')
export class MdfRequestType {
  @Field(() => ID)
  id: string;

  @Field(() => String)
  activity: string;

  @Field(() => MdfStatusEnum)
  status: MdfRequestStatus;

  @Field(() => String, { nullable: true })
  decisionNote: string | null;

  @Field(() => DateTimeScalar)
  requestedAt: Date;
}

@ObjectType('MdfClaim')
export class MdfClaimType {
  @Field(() => ID)
  id: string;

  @Field(() => String)
  proofOfPerformance: string;

  @Field(() => MdfStatusEnum)
  status: MdfRequestStatus;

  @Field(() => String, { nullable: true })
  decisionNote: string | null;

  @Field(() => DateScalar, { nullable: true, description: 'The day it was approved; paid in that quarter\'s statement.' })
  decidedOn: string | null;
}

@ObjectType('PartnerMetrics', { description: "One partner's figures for a quarter, for BI." })
export class PartnerMetricsType {
  @Field(() => PartnerStub)
  partner: PartnerStub;

  @Field(() => String)
  period: string;

  @Field(() => TierStub, { description: 'The tier in force on the last day of the quarter.' })
  tier: TierStub;

  @Field(() => MoneyType, { description: 'Won new business closed in the quarter.' })
  newBusinessRevenue: MoneyType;

  @Field(() => MoneyType, { description: 'Won renewal deals closed in the quarter.' })
  renewalRevenue: MoneyType;

  @Field(() => Int)
  dealsWon: number;

  @Field(() => Int, { description: 'Deals closed in the quarter and reversed since.' })
  dealsReversed: number;

  @Field(() => MoneyType, { description: "Totals of the quarter's statements to the partner." })
  payouts: MoneyType;

  @Field(() => MoneyType, { description: "Issued usage statements of the quarter's months." })
  usage: MoneyType;
}

export const StatementConnection = connectionType('Statement', StatementType);
export const PartnerMetricsConnection = connectionType('PartnerMetrics', PartnerMetricsType);

@ObjectType('SimulatedStatement', { description: "One payee's statement of the quarter in one currency, under the published and the draft rules." })
export class SimulatedStatementType {
  @Field(() => PayeeUnion)
  payee: { kind: PayeeKind; id: string };

  @Field(() => StatementStatusEnum, { nullable: true, description: 'The statement as it stands; null when the quarter has none for the payee yet. APPROVED and PAID keep their amount under any rules.' })
  status: StatementStatus | null;

  @Field(() => MoneyType, { description: 'What computeStatements gives under the published rules.' })
  current: MoneyType;

  @Field(() => MoneyType, { description: 'What it would give under the draft rules.' })
  simulated: MoneyType;

  @Field(() => MoneyType, { description: 'simulated − current.' })
  difference: MoneyType;
}

@ObjectType('SimulatedTotal')
export class SimulatedTotalType {
  @Field(() => MoneyType)
  current: MoneyType;

  @Field(() => MoneyType)
  simulated: MoneyType;

  @Field(() => MoneyType)
  difference: MoneyType;
}

@ObjectType('SimulatedRuleKindTotal', { description: 'The lines of one rule kind (CLAWBACK included) in one currency, summed over every payee.' })
export class SimulatedRuleKindTotalType extends SimulatedTotalType {
  @Field(() => RuleKindEnum)
  kind: RuleKind;
}

@ObjectType('StatementSimulation', { description: 'A quarter computed under draft rule versions next to the published ones; nothing is written.' })
export class StatementSimulationType {
  @Field(() => String)
  period: string;

  @Field(() => [SimulatedStatementType], { description: 'Every payee computeStatements would write (or keep) a statement for, by payee kind, id and currency.' })
  payees: SimulatedStatementType[];

  @Field(() => [SimulatedTotalType], { description: 'Per currency.' })
  totals: SimulatedTotalType[];

  @Field(() => [SimulatedRuleKindTotalType], { description: 'Per rule kind and currency.' })
  byRuleKind: SimulatedRuleKindTotalType[];
}
