import { Field, ID, InputType } from 'type-graphql';
import { DateScalar } from '@hub/graphql-kit';
import type { RuleKind } from '../domain';
import type { PayeeKind, StatementStatus } from '../entities';
import { PartnerStatusEnum, PayeeKindEnum, RuleKindEnum, SegmentEnum, StatementStatusEnum } from './enums';

@InputType('StatementFilter')
export class StatementFilter {
  @Field(() => ID, { nullable: true })
  payeeId?: string | null;

  @Field(() => PayeeKindEnum, { nullable: true })
  payeeKind?: PayeeKind | null;

  @Field(() => String, { nullable: true, description: '"2026-Q3".' })
  period?: string | null;

  @Field(() => [StatementStatusEnum], { nullable: true })
  status?: StatementStatus[] | null;
}

@InputType('MdfRequestInput')
export class MdfRequestInput {
  @Field(() => ID)
  partnerId: string;

  @Field(() => String, { description: 'The allocation\'s period, "2026-Q3".' })
  period: string;

  @Field(() => String, { description: 'Exact decimal in the partner\'s currency.' })
  amount: string;

  @Field(() => String, { description: 'The marketing activity the funds are for.' })
  activity: string;
}

@InputType('MdfClaimInput')
export class MdfClaimInput {
  @Field(() => ID)
  requestId: string;

  @Field(() => String)
  amount: string;

  @Field(() => String, { description: 'Proof-of-performance reference (invoice, campaign report…).' })
  proofOfPerformance: string;
}

/** The partners subgraph's PartnerFilter, field for field: one input type across the supergraph. */
@InputType('PartnerFilter')
export class PartnerFilter {
  @Field(() => String, { nullable: true })
  programCode?: string | null;

  @Field(() => String, { nullable: true, description: 'The tier in force today.' })
  tierCode?: string | null;

  @Field(() => String, { nullable: true })
  country?: string | null;

  @Field(() => PartnerStatusEnum, { nullable: true })
  status?: string | null;

  @Field(() => SegmentEnum, { nullable: true })
  segmentFocus?: string | null;

  @Field(() => ID, { nullable: true, description: 'Partners that buy through this distributor.' })
  distributorId?: string | null;

  @Field(() => String, { nullable: true })
  nameContains?: string | null;
}

@InputType('PublishIncentiveRuleInput', { description: 'A new version of a rule of a program.' })
export class PublishIncentiveRuleInput {
  @Field(() => String)
  programCode: string;

  @Field(() => RuleKindEnum)
  kind: RuleKind;

  @Field(() => DateScalar, { description: 'Its first day; the version in effect until then ends the day before. Not in or before a quarter whose statements of the program are approved or paid (INCENTIVES.PERIOD_CLOSED).' })
  effectiveFrom: string;

  @Field(() => String, {
    description:
      'The parameters as JSON text, the same shape IncentiveRule.parameters reads: rates as exact decimal strings ("17.5%"), money thresholds in minor units as strings ("3000000"), ' +
      'tier, specialization and product line codes in capitals. Checked against the kind\'s schema; a mistake is BAD_USER_INPUT whose extensions.field names the parameter, e.g. "parameters.newBusinessRates.GOLD".',
  })
  parameters: string;
}
