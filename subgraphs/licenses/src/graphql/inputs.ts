import { Field, ID, InputType, Int } from 'type-graphql';
import { DateScalar } from '@hub/graphql-kit';
import type { BillingKind, Deployment, Edition, Hosting, LicenseStatus } from '../domain';
import type { UsageStatementStatus } from '../entities';
import { BillingKindEnum, DeploymentEnum, EditionEnum, HostingEnum, LicenseStatusEnum, UsageStatementStatusEnum } from './enums';

@InputType('EndCustomerInput')
export class EndCustomerInput {
  @Field(() => String)
  name: string;

  @Field(() => String, { description: 'ISO 3166-1 alpha-2.' })
  country: string;

  @Field(() => String, { nullable: true })
  domain?: string | null;
}

@InputType('SkuFilter')
export class SkuFilter {
  @Field(() => String, { nullable: true })
  productLine?: string | null;

  @Field(() => EditionEnum, { nullable: true })
  edition?: Edition | null;

  @Field(() => BillingKindEnum, { nullable: true })
  billing?: BillingKind | null;

  @Field(() => DeploymentEnum, { nullable: true, description: 'SKUs that may run under this model.' })
  deployment?: Deployment | null;
}

@InputType('LicenseFilter')
export class LicenseFilter {
  @Field(() => ID, { nullable: true })
  partnerId?: string | null;

  @Field(() => ID, { nullable: true })
  distributorId?: string | null;

  @Field(() => ID, { nullable: true })
  customerId?: string | null;

  @Field(() => [LicenseStatusEnum], { nullable: true })
  status?: LicenseStatus[] | null;

  @Field(() => String, { nullable: true })
  sku?: string | null;

  @Field(() => String, { nullable: true })
  productLine?: string | null;

  @Field(() => DateScalar, { nullable: true, description: 'Latest term ends on or after.' })
  endsFrom?: string | null;

  @Field(() => DateScalar, { nullable: true, description: 'Latest term ends on or before: renewals coming due.' })
  endsTo?: string | null;
}

@InputType('IssueLicenseInput')
export class IssueLicenseInput {
  @Field(() => ID)
  partnerId: string;

  @Field(() => ID, { nullable: true, description: 'The fulfilling distributor; a distributor caller defaults to itself.' })
  distributorId?: string | null;

  @Field(() => EndCustomerInput)
  customer: EndCustomerInput;

  @Field(() => String, { description: 'A TERM SKU.' })
  sku: string;

  @Field(() => Int)
  seats: number;

  @Field(() => DeploymentEnum, { nullable: true, description: "Defaults to the SKU's first deployment model." })
  deployment?: Deployment | null;

  @Field(() => DateScalar, { nullable: true, description: 'Defaults to today.' })
  startsOn?: string | null;

  @Field(() => Int, { nullable: true, description: "Defaults to the program's term (demo 12)." })
  termMonths?: number | null;
}

@InputType('DeployUsageInput')
export class DeployUsageInput {
  @Field(() => ID, { description: 'The service provider holding the master licence.' })
  partnerId: string;

  @Field(() => EndCustomerInput)
  customer: EndCustomerInput;

  @Field(() => String, { description: 'A USAGE SKU.' })
  sku: string;

  @Field(() => HostingEnum)
  hosting: Hosting;
}

@InputType('UsageLineInput')
export class UsageLineInput {
  @Field(() => ID, { description: "The customer's id (UsageDeployment.customer.id)." })
  customer: string;

  @Field(() => String)
  sku: string;

  @Field(() => Int)
  seats: number;
}

@InputType('UsageReportInput')
export class UsageReportInput {
  @Field(() => ID)
  partnerId: string;

  @Field(() => String, { description: '"2026-09".' })
  month: string;

  @Field(() => [UsageLineInput])
  lines: UsageLineInput[];
}

@InputType('UsageStatementFilter')
export class UsageStatementFilter {
  @Field(() => ID, { nullable: true })
  partnerId?: string | null;

  @Field(() => ID, { nullable: true })
  distributorId?: string | null;

  @Field(() => String, { nullable: true })
  month?: string | null;

  @Field(() => UsageStatementStatusEnum, { nullable: true })
  status?: UsageStatementStatus | null;
}
