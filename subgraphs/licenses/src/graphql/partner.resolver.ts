import { Arg, Args, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { PageArgs, pageRequest, toConnection } from '@hub/graphql-kit';
import type { LicensesContext } from './context';
import { LicenseFilter } from './inputs';
import { LicenseConnection, MasterLicenseType, PartnerStub, UsageStatementConnection } from './types';

// The fields licences add to a partner are nullable: with licenses down (or timed out) a partner
// keeps its name and the other subgraphs' fields, and these answer null with SUBGRAPH_UNAVAILABLE.
@Resolver(() => PartnerStub)
export class PartnerLicensesResolver {
  @FieldResolver(() => LicenseConnection, { nullable: true, description: "The partner's licences, oldest first." })
  async licenses(
    @Root() partner: PartnerStub,
    @Arg('filter', () => LicenseFilter, { nullable: true }) filter: LicenseFilter | null,
    @Args(() => PageArgs) page: PageArgs,
    @Ctx() ctx: LicensesContext,
  ) {
    return toConnection(await ctx.loaders.licensesOfPartner({ claims: ctx.claims, filter: filter ?? {}, page: pageRequest(page) }).load(partner.id));
  }

  @FieldResolver(() => MasterLicenseType, { nullable: true, description: 'Its master licence in the usage-based program, if any.' })
  masterLicense(@Root() partner: PartnerStub, @Ctx() ctx: LicensesContext) {
    return ctx.usage.masterLicenseOf(ctx.claims, partner.id, (key) => ctx.loaders.masterLicenseByPartner.load(key));
  }

  @FieldResolver(() => UsageStatementConnection, { nullable: true, description: 'Monthly usage statements, oldest first.' })
  async usageStatements(@Root() partner: PartnerStub, @Args(() => PageArgs) page: PageArgs, @Ctx() ctx: LicensesContext) {
    return toConnection(await ctx.loaders.usageStatementsOfPartner({ claims: ctx.claims, filter: {}, page: pageRequest(page) }).load(partner.id));
  }
}
