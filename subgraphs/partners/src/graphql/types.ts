import { Directive, Field, ID, Int, ObjectType } from 'type-graphql';
import { connectionType, DateScalar, DateTimeScalar } from '@hub/graphql-kit';
import type { BusinessModel, PartnerStatus, ReviewFinding, ReviewOutcome, Segment } from '../domain';
import { BusinessModelEnum, CertificationKindEnum, PartnerStatusEnum, ReviewFindingEnum, ReviewOutcomeEnum, SegmentEnum } from './enums';

@Directive('@key(fields: "code")')
@ObjectType('Program', { simpleResolvers: true, description: 'A regional, versioned rule book with its tier ladder and specialization catalog.' })
export class ProgramType {
  @Field(() => String)
  code: string;

  @Field(() => String)
  name: string;

  @Field(() => String, { description: 'ISO 4217 code all of the program\'s money is in.' })
  currency: string;

  @Field(() => [String])
  countries: string[];

  @Field(() => Int)
  version: number;

  @Field(() => DateScalar)
  effectiveFrom: string;

  @Field(() => DateScalar, { nullable: true })
  effectiveTo: string | null;

  @Field(() => DateScalar, { nullable: true, description: 'No downgrade takes effect on or before this date.' })
  noDowngradeUntil: string | null;
}

@Directive('@key(fields: "id")')
@ObjectType('Tier', { simpleResolvers: true })
export class TierType {
  @Field(() => ID, { description: '`<program>:<tier>`, e.g. `FR-2023:EXPERT`.' })
  id: string;

  @Field(() => String)
  code: string;

  @Field(() => String)
  name: string;

  @Field(() => Int, { description: 'Position on the ladder, lowest first (1).' })
  rank: number;

  @Field(() => Int)
  minCertifiedStaff: number;

  @Field(() => Int, { nullable: true, description: 'At most this many partners may hold the tier; null is unlimited.' })
  capacity: number | null;

  @Field(() => [String], { description: 'Names of the tiers this one replaces.' })
  legacyNames: string[];

  programCode: string;
}

@ObjectType('LegacyTierMapping', { simpleResolvers: true })
export class LegacyTierMappingType {
  @Field(() => String)
  legacyName: string;

  @Field(() => TierType)
  tier: TierType;
}

@ObjectType('Specialization', { simpleResolvers: true })
export class SpecializationType {
  @Field(() => String)
  code: string;

  @Field(() => String)
  name: string;

  @Field(() => String, { nullable: true, description: 'Deals in this product line earn the specialization uplift.' })
  productLine: string | null;

  @Field(() => Int)
  requiredSales: number;

  @Field(() => Int)
  requiredTechnical: number;
}

@Directive('@key(fields: "id")')
@ObjectType('Distributor', { simpleResolvers: true })
export class DistributorType {
  @Field(() => ID)
  id: string;

  @Field(() => String)
  name: string;

  @Field(() => [String])
  countries: string[];

  @Field(() => Boolean, { description: 'Handles maintenance renewals on behalf of partners.' })
  handlesRenewals: boolean;

  @Field(() => Boolean, { description: 'Takes part in the usage-based (service provider) program.' })
  usageBasedProgram: boolean;
}

@Directive('@key(fields: "id")')
@ObjectType('Partner', { simpleResolvers: true })
export class PartnerType {
  @Field(() => ID)
  id: string;

  @Field(() => String)
  name: string;

  @Field(() => String, { description: 'ISO 3166-1 alpha-2.' })
  country: string;

  @Field(() => PartnerStatusEnum)
  status: PartnerStatus;

  @Field(() => SegmentEnum)
  segmentFocus: Segment;

  @Field(() => [BusinessModelEnum])
  businessModels: BusinessModel[];

  @Field(() => String, { nullable: true })
  channelManager: string | null;

  @Field(() => DateTimeScalar)
  createdAt: Date;

  @Field(() => DateTimeScalar)
  updatedAt: Date;

  programCode: string;
}

@ObjectType('TierAssignment', { simpleResolvers: true })
export class TierAssignmentType {
  @Field(() => DateScalar)
  effectiveFrom: string;

  @Field(() => String)
  reason: string;

  @Field(() => String)
  assignedBy: string;

  @Field(() => DateTimeScalar)
  assignedAt: Date;

  tierCode: string;
  partnerId: string;
}

@ObjectType('Person', { simpleResolvers: true })
export class PersonType {
  @Field(() => ID)
  id: string;

  @Field(() => String)
  name: string;

  @Field(() => String)
  email: string;

  partnerId: string;
}

@ObjectType('Certification', { simpleResolvers: true })
export class CertificationType {
  @Field(() => ID)
  id: string;

  @Field(() => String)
  specializationCode: string;

  @Field(() => CertificationKindEnum)
  kind: 'SALES' | 'TECHNICAL';

  @Field(() => DateScalar)
  validFrom: string;

  @Field(() => DateScalar, { description: 'Inclusive: still valid on this day.' })
  validUntil: string;

  personId: string;
  partnerId: string;
}

@ObjectType('Review', { simpleResolvers: true })
export class ReviewType {
  @Field(() => ID)
  id: string;

  @Field(() => DateScalar)
  reviewedOn: string;

  @Field(() => ReviewOutcomeEnum)
  outcome: ReviewOutcome;

  @Field(() => [ReviewFindingEnum])
  findings: ReviewFinding[];

  @Field(() => String, { nullable: true })
  note: string | null;

  @Field(() => String, { nullable: true, description: 'For DOWNGRADE: the tier the partner moved to.' })
  newTierCode: string | null;

  @Field(() => DateScalar, { nullable: true })
  effectiveFrom: string | null;

  @Field(() => String)
  reviewedBy: string;

  partnerId: string;
}

export const PartnerConnection = connectionType('Partner', PartnerType);
