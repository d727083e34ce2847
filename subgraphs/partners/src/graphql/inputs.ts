import { Field, ID, InputType } from 'type-graphql';
import { DateScalar } from '@hub/graphql-kit';
import type { PartnerStatus, ReviewOutcome, Segment } from '../domain';
import { BusinessModelEnum, CertificationKindEnum, PartnerStatusEnum, ReviewFindingEnum, ReviewOutcomeEnum, SegmentEnum } from './enums';

@InputType()
export class PartnerFilter {
  @Field(() => String, { nullable: true })
  programCode?: string | null;

  @Field(() => String, { nullable: true, description: 'The tier in force today.' })
  tierCode?: string | null;

  @Field(() => String, { nullable: true })
  country?: string | null;

  @Field(() => PartnerStatusEnum, { nullable: true })
  status?: PartnerStatus | null;

  @Field(() => SegmentEnum, { nullable: true })
  segmentFocus?: Segment | null;

  @Field(() => ID, { nullable: true, description: 'Partners that buy through this distributor.' })
  distributorId?: string | null;

  @Field(() => String, { nullable: true })
  nameContains?: string | null;
}

@InputType()
export class CreatePartnerInput {
  @Field(() => String)
  name: string;

  @Field(() => String)
  country: string;

  @Field(() => String)
  programCode: string;

  @Field(() => String, { nullable: true, description: 'Defaults to the lowest tier of the program.' })
  tierCode?: string | null;

  @Field(() => SegmentEnum)
  segmentFocus: Segment;

  @Field(() => [BusinessModelEnum])
  businessModels: string[];

  @Field(() => [ID], { nullable: true })
  distributorIds?: string[] | null;

  @Field(() => String, { nullable: true })
  channelManager?: string | null;
}

@InputType()
export class UpdatePartnerInput {
  @Field(() => String, { nullable: true })
  name?: string | null;

  @Field(() => String, { nullable: true })
  country?: string | null;

  @Field(() => SegmentEnum, { nullable: true })
  segmentFocus?: Segment | null;

  @Field(() => [BusinessModelEnum], { nullable: true })
  businessModels?: string[] | null;

  @Field(() => [ID], { nullable: true, description: 'Replaces the partner\'s distributors.' })
  distributorIds?: string[] | null;

  @Field(() => String, { nullable: true })
  channelManager?: string | null;

  @Field(() => PartnerStatusEnum, { nullable: true })
  status?: PartnerStatus | null;
}

@InputType()
export class PersonInput {
  @Field(() => String)
  name: string;

  @Field(() => String)
  email: string;
}

@InputType()
export class CertificationInput {
  @Field(() => String)
  specializationCode: string;

  @Field(() => CertificationKindEnum)
  kind: 'SALES' | 'TECHNICAL';

  @Field(() => DateScalar, { nullable: true, description: 'Defaults to today.' })
  validFrom?: string | null;

  @Field(() => DateScalar)
  validUntil: string;
}

@InputType()
export class ReviewInput {
  @Field(() => ReviewOutcomeEnum)
  outcome: ReviewOutcome;

  @Field(() => [ReviewFindingEnum])
  findings: string[];

  @Field(() => DateScalar, { nullable: true, description: 'Defaults to today.' })
  reviewedOn?: string | null;

  @Field(() => String, { nullable: true })
  note?: string | null;

  @Field(() => String, { nullable: true, description: 'Required for DOWNGRADE.' })
  newTierCode?: string | null;

  @Field(() => DateScalar, { nullable: true, description: 'Required for DOWNGRADE.' })
  effectiveFrom?: string | null;
}
