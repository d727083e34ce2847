import { Directive, Field, ID, Int, ObjectType } from 'type-graphql';
import { connectionType, DateScalar, DateTimeScalar, entityStub, MoneyType } from '@hub/graphql-kit';
import type { AddOn, BillingKind, Deployment, Edition, Hosting, LicenseStatus } from '../domain';
import type { DeploymentStatus, TermKind, UsageReportStatus, UsageStatementStatus } from '../entities';
import {
  AddOnEnum,
  BillingKindEnum,
  DeploymentEnum,
  DeploymentStatusEnum,
  EditionEnum,
  HostingEnum,
  LicenseStatusEnum,
  TermKindEnum,
  UsageReportStatusEnum,
  UsageStatementStatusEnum,
} from './enums';

/** Owned by the partners subgraph; licences add `licenses`, `masterLicense` and `usageStatements`. */
export const PartnerStub = entityStub('Partner');
export type PartnerStub = InstanceType<typeof PartnerStub>;

export const DistributorStub = entityStub('Distributor');
export type DistributorStub = InstanceType<typeof DistributorStub>;

/** Owned by the deals subgraph: the won deal a licence was issued from. */
export const DealStub = entityStub('Deal');
export type DealStub = InstanceType<typeof DealStub>;

@ObjectType('UsagePriceTier', { description: 'All-units: from this many seats in the month, every seat costs unitPrice.' })
export class UsagePriceTierType {
  @Field(() => Int)
  fromSeats: number;

  @Field(() => MoneyType, { description: 'Per seat-month.' })
  unitPrice: MoneyType;
}

@Directive('@key(fields: "code")')
@ObjectType('Sku')
export class SkuType {
  @Field(() => ID)
  code: string;

  @Field(() => String)
  name: string;

  @Field(() => String)
  productLine: string;

  @Field(() => EditionEnum)
  edition: Edition;

  @Field(() => [AddOnEnum])
  addOns: AddOn[];

  @Field(() => [DeploymentEnum], { description: 'The deployment models this SKU may run under.' })
  deployments: Deployment[];

  @Field(() => BillingKindEnum)
  billing: BillingKind;
}

@ObjectType('LicensedCustomer', { description: "An end customer of a partner, as licences know it." })
export class LicensedCustomerType {
  @Field(() => ID)
  id: string;

  @Field(() => String)
  name: string;

  @Field(() => String, { description: 'ISO 3166-1 alpha-2.' })
  country: string;

  @Field(() => String, { nullable: true })
  domain: string | null;
}

@ObjectType('LicenseTerm', { description: 'One paid term: the first, then one per renewal. Terms cover [startsOn, endsOn).' })
export class LicenseTermType {
  @Field(() => Int)
  sequence: number;

  @Field(() => TermKindEnum, { description: 'RENEWAL terms are renewal business.' })
  kind: TermKind;

  @Field(() => DateScalar)
  startsOn: string;

  @Field(() => DateScalar)
  endsOn: string;

  @Field(() => Int)
  months: number;

  @Field(() => Int)
  seats: number;
}

@Directive('@key(fields: "id")')
@ObjectType('License')
export class LicenseType {
  @Field(() => ID)
  id: string;

  @Field(() => String, { description: 'The SKU code; `sku` resolves it in the catalog.' })
  skuCode: string;

  @Field(() => String)
  productLine: string;

  @Field(() => Int)
  seats: number;

  @Field(() => DeploymentEnum)
  deployment: Deployment;

  @Field(() => LicenseStatusEnum)
  status: LicenseStatus;

  @Field(() => DateScalar, { description: 'Start of the first term.' })
  startsOn: string;

  @Field(() => DateScalar, { description: 'End (exclusive) of the latest term.' })
  endsOn: string;

  @Field(() => String, { nullable: true })
  revokedReason: string | null;

  @Field(() => DateTimeScalar)
  createdAt: Date;
}

@Directive('@key(fields: "id")')
@ObjectType('MasterLicense', { description: 'A service provider in the usage-based program: no up-front charge, no renewal.' })
export class MasterLicenseType {
  @Field(() => ID)
  id: string;

  @Field(() => String)
  programCode: string;

  @Field(() => String)
  currency: string;

  @Field(() => DateScalar)
  grantedOn: string;
}

@ObjectType('UsageDeployment')
export class UsageDeploymentType {
  @Field(() => ID)
  id: string;

  @Field(() => String)
  skuCode: string;

  @Field(() => HostingEnum)
  hosting: Hosting;

  @Field(() => DeploymentStatusEnum)
  status: DeploymentStatus;

  @Field(() => DateScalar)
  deployedOn: string;

  @Field(() => DateScalar, { nullable: true, description: 'Last day live; the seats of its month are still billed.' })
  endedOn: string | null;

  @Field(() => String, { nullable: true })
  endReason: string | null;
}

@ObjectType('UsageReportLine')
export class UsageReportLineType {
  @Field(() => String)
  sku: string;

  @Field(() => Int)
  seats: number;
}

@ObjectType('UsageReport')
export class UsageReportType {
  @Field(() => ID)
  id: string;

  @Field(() => String)
  month: string;

  @Field(() => Int, { description: '1 for the first report of the month, +1 per correction.' })
  version: number;

  @Field(() => UsageReportStatusEnum)
  status: UsageReportStatus;

  @Field(() => String)
  submittedBy: string;

  @Field(() => DateTimeScalar)
  submittedAt: Date;
}

@ObjectType('UsageStatementLine', { description: "A SKU's seats over all the provider's customers, all at the one unit price their total reached." })
export class UsageStatementLineType {
  @Field(() => String)
  sku: string;

  @Field(() => Int)
  seats: number;

  @Field(() => Int, { description: 'The volume tier the seats reached.' })
  tierFromSeats: number;
}

@Directive('@key(fields: "id")')
@ObjectType('UsageStatement')
export class UsageStatementType {
  @Field(() => ID)
  id: string;

  @Field(() => String)
  month: string;

  @Field(() => UsageStatementStatusEnum)
  status: UsageStatementStatus;

  @Field(() => String)
  currency: string;

  @Field(() => DateTimeScalar)
  ratedAt: Date;

  @Field(() => DateTimeScalar, { nullable: true })
  issuedAt: Date | null;
}

export const SkuConnection = connectionType('Sku', SkuType);
export const LicenseConnection = connectionType('License', LicenseType);
export const UsageStatementConnection = connectionType('UsageStatement', UsageStatementType);
