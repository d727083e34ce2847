import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { MoneyType, PageArgs, pageRequest, toConnection, toMoney } from '@hub/graphql-kit';
import { JobType, toJob } from '@hub/jobs';
import type { MasterLicenseEntity, UsageDeploymentEntity, UsageReportEntity, UsageReportLineEntity, UsageStatementEntity, UsageStatementLineEntity } from '../entities';
import { startUsageMonthJob } from '../services/usage-month-jobs';
import type { LicensesContext } from './context';
import { DeployUsageInput, UsageReportInput, UsageStatementFilter } from './inputs';
import {
  DistributorStub,
  LicensedCustomerType,
  MasterLicenseType,
  PartnerStub,
  SkuType,
  UsageDeploymentType,
  UsageReportLineType,
  UsageReportType,
  UsageStatementConnection,
  UsageStatementLineType,
  UsageStatementType,
} from './types';

@Resolver(() => MasterLicenseType)
export class MasterLicenseResolver {
  @Mutation(() => MasterLicenseType, { description: 'Only through a distributor in the usage-based program (else LICENSES.DISTRIBUTOR_NOT_ELIGIBLE).' })
  grantMasterLicense(@Arg('partnerId', () => ID) partnerId: string, @Arg('distributorId', () => ID) distributorId: string, @Ctx() ctx: LicensesContext) {
    return ctx.usage.grantMasterLicense(ctx.claims, partnerId, distributorId);
  }

  @Mutation(() => UsageDeploymentType, { description: "Deploys a usage SKU to an end customer; a customer served by another provider moves here and loses the licence there." })
  deployUsage(@Arg('input', () => DeployUsageInput) input: DeployUsageInput, @Ctx() ctx: LicensesContext) {
    return ctx.usage.deploy(ctx.claims, input);
  }

  @Mutation(() => UsageDeploymentType, { description: 'Stops the charge from the next month.' })
  removeDeployment(@Arg('id', () => ID) id: string, @Ctx() ctx: LicensesContext) {
    return ctx.usage.removeDeployment(ctx.claims, id);
  }

  @FieldResolver(() => PartnerStub)
  partner(@Root() master: MasterLicenseEntity): PartnerStub {
    return { id: master.partnerId };
  }

  @FieldResolver(() => DistributorStub)
  distributor(@Root() master: MasterLicenseEntity): DistributorStub {
    return { id: master.distributorId };
  }

  @FieldResolver(() => [UsageDeploymentType])
  deployments(@Root() master: MasterLicenseEntity, @Ctx() ctx: LicensesContext) {
    return ctx.loaders.deploymentsByMaster.load(master.id);
  }
}

@Resolver(() => UsageDeploymentType)
export class UsageDeploymentResolver {
  @FieldResolver(() => LicensedCustomerType)
  customer(@Root() deployment: UsageDeploymentEntity, @Ctx() ctx: LicensesContext) {
    return ctx.loaders.customer.load(deployment.customerId);
  }

  @FieldResolver(() => SkuType, { nullable: true })
  sku(@Root() deployment: UsageDeploymentEntity, @Ctx() ctx: LicensesContext) {
    return ctx.loaders.sku.load(deployment.sku);
  }

  @FieldResolver(() => String)
  skuCode(@Root() deployment: UsageDeploymentEntity): string {
    return deployment.sku;
  }
}

@Resolver(() => UsageReportType)
export class UsageReportResolver {
  @Query(() => [UsageReportType], { description: "Every version of a provider's report for a month, newest first." })
  usageReports(@Arg('partnerId', () => ID) partnerId: string, @Arg('month', () => String) month: string, @Ctx() ctx: LicensesContext) {
    return ctx.usage.reports(ctx.claims, partnerId, month, (key) => ctx.loaders.masterLicenseByPartner.load(key));
  }

  @Mutation(() => UsageReportType, { description: "Seats per customer and SKU for a month; a resubmission supersedes the month's earlier report." })
  submitUsageReport(@Arg('input', () => UsageReportInput) input: UsageReportInput, @Ctx() ctx: LicensesContext) {
    return ctx.usage.submitReport(ctx.claims, input);
  }

  @FieldResolver(() => PartnerStub)
  partner(@Root() report: UsageReportEntity): PartnerStub {
    return { id: report.partnerId };
  }

  @FieldResolver(() => [UsageReportLineType])
  lines(@Root() report: UsageReportEntity, @Ctx() ctx: LicensesContext) {
    return ctx.loaders.reportLines.load(report.id);
  }
}

@Resolver(() => UsageReportLineType)
export class UsageReportLineResolver {
  @FieldResolver(() => LicensedCustomerType)
  customer(@Root() line: UsageReportLineEntity, @Ctx() ctx: LicensesContext) {
    return ctx.loaders.customer.load(line.customerId);
  }
}

@Resolver(() => UsageStatementType)
export class UsageStatementResolver {
  @Query(() => UsageStatementType, { nullable: true })
  usageStatement(@Arg('partnerId', () => ID) partnerId: string, @Arg('month', () => String) month: string, @Ctx() ctx: LicensesContext) {
    return ctx.usage.statement(ctx.claims, partnerId, month);
  }

  // Nullable, as every list a portal page asks for beside others: licenses down costs this field, not the page.
  @Query(() => UsageStatementConnection, { nullable: true })
  async usageStatements(
    @Arg('filter', () => UsageStatementFilter, { nullable: true }) filter: UsageStatementFilter | null,
    @Args(() => PageArgs) page: PageArgs,
    @Ctx() ctx: LicensesContext,
  ) {
    return toConnection(await ctx.usage.statements(ctx.claims, filter ?? {}, pageRequest(page)));
  }

  @Mutation(() => JobType, {
    description: "Rates and issues every open statement of an ended month, before its lock day, as a job answered at once (the month's job already queued or running if there is one); follow it with job(id). Staff only.",
  })
  async closeUsageMonth(@Arg('month', () => String) month: string, @Ctx() ctx: LicensesContext): Promise<JobType> {
    return toJob(await startUsageMonthJob(ctx.jobRunner, ctx.usage, ctx.claims, month));
  }

  @FieldResolver(() => PartnerStub)
  partner(@Root() statement: UsageStatementEntity): PartnerStub {
    return { id: statement.partnerId };
  }

  @FieldResolver(() => DistributorStub)
  distributor(@Root() statement: UsageStatementEntity): DistributorStub {
    return { id: statement.distributorId };
  }

  @FieldResolver(() => MoneyType)
  total(@Root() statement: UsageStatementEntity): MoneyType {
    return toMoney(statement.total, statement.currency);
  }

  @FieldResolver(() => [UsageStatementLineType])
  async lines(@Root() statement: UsageStatementEntity, @Ctx() ctx: LicensesContext) {
    const lines = await ctx.loaders.statementLines.load(statement.id);
    return lines.map((line) => ({ ...line, currency: statement.currency }));
  }
}

@Resolver(() => UsageStatementLineType)
export class UsageStatementLineResolver {
  @FieldResolver(() => MoneyType, { description: 'Per seat-month, the same for every seat of the SKU.' })
  unitPrice(@Root() line: UsageStatementLineEntity & { currency: string }): MoneyType {
    return toMoney(line.unitPrice, line.currency);
  }

  @FieldResolver(() => MoneyType, { description: 'seats × unitPrice, exact.' })
  amount(@Root() line: UsageStatementLineEntity & { currency: string }): MoneyType {
    return toMoney(line.amount, line.currency);
  }
}
