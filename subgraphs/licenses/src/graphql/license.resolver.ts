import { Arg, Args, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { MoneyType, PageArgs, pageRequest, toConnection, toMoney } from '@hub/graphql-kit';
import type { Deployment } from '../domain';
import type { LicenseEntity, LicenseTermEntity } from '../entities';
import type { LicensesContext } from './context';
import { DeploymentEnum } from './enums';
import { EndCustomerInput, IssueLicenseInput, LicenseFilter } from './inputs';
import { DealStub, DistributorStub, LicenseConnection, LicensedCustomerType, LicenseTermType, LicenseType, PartnerStub, SkuType } from './types';

@Resolver(() => LicenseType)
export class LicenseResolver {
  @Query(() => LicenseType, { nullable: true })
  license(@Arg('id', () => ID) id: string, @Ctx() ctx: LicensesContext) {
    return ctx.licenses.get(ctx.claims, id, (key) => ctx.loaders.license.load(key));
  }

  // Nullable, as every list a portal page asks for beside others: licenses down costs this field, not the page.
  @Query(() => LicenseConnection, { nullable: true })
  async licenses(@Arg('filter', () => LicenseFilter, { nullable: true }) filter: LicenseFilter | null, @Args(() => PageArgs) page: PageArgs, @Ctx() ctx: LicensesContext) {
    return toConnection(await ctx.licenses.list(ctx.claims, filter ?? {}, pageRequest(page)));
  }

  @Mutation(() => LicenseType, { description: 'A term licence sold outside a registered deal (won deals issue theirs automatically).' })
  issueLicense(@Arg('input', () => IssueLicenseInput) input: IssueLicenseInput, @Ctx() ctx: LicensesContext) {
    return ctx.licenses.issue(ctx.claims, input);
  }

  @Mutation(() => LicenseType, { description: 'Adds the next term, from the end of the last one; renewal business.' })
  renewLicense(@Arg('id', () => ID) id: string, @Arg('termMonths', () => Int) termMonths: number, @Ctx() ctx: LicensesContext) {
    return ctx.licenses.renew(ctx.claims, id, termMonths);
  }

  @Mutation(() => LicenseType, { description: "Moves the licence to another of the owning partner's customers." })
  transferLicense(@Arg('id', () => ID) id: string, @Arg('toCustomer', () => EndCustomerInput) toCustomer: EndCustomerInput, @Ctx() ctx: LicensesContext) {
    return ctx.licenses.transfer(ctx.claims, id, toCustomer);
  }

  @Mutation(() => LicenseType, { description: 'Portable licences: cloud, hybrid or on-premise at no charge.' })
  changeDeployment(@Arg('id', () => ID) id: string, @Arg('deployment', () => DeploymentEnum) deployment: Deployment, @Ctx() ctx: LicensesContext) {
    return ctx.licenses.changeDeployment(ctx.claims, id, deployment);
  }

  @Mutation(() => LicenseType)
  revokeLicense(@Arg('id', () => ID) id: string, @Arg('reason', () => String) reason: string, @Ctx() ctx: LicensesContext) {
    return ctx.licenses.revoke(ctx.claims, id, reason);
  }

  @FieldResolver(() => PartnerStub, { description: 'The owning partner.' })
  partner(@Root() license: LicenseEntity): PartnerStub {
    return { id: license.partnerId };
  }

  @FieldResolver(() => DistributorStub, { nullable: true })
  distributor(@Root() license: LicenseEntity): DistributorStub | null {
    return license.distributorId ? { id: license.distributorId } : null;
  }

  @FieldResolver(() => LicensedCustomerType)
  async customer(@Root() license: LicenseEntity, @Ctx() ctx: LicensesContext) {
    return ctx.loaders.customer.load(license.customerId);
  }

  @FieldResolver(() => SkuType, { nullable: true, description: 'Null when the SKU sold on the deal is not in the catalog.' })
  sku(@Root() license: LicenseEntity, @Ctx() ctx: LicensesContext) {
    return ctx.loaders.sku.load(license.sku);
  }

  @FieldResolver(() => String)
  skuCode(@Root() license: LicenseEntity): string {
    return license.sku;
  }

  @FieldResolver(() => [LicenseTermType])
  terms(@Root() license: LicenseEntity, @Ctx() ctx: LicensesContext) {
    return ctx.loaders.termsByLicense.load(license.id);
  }

  @FieldResolver(() => DealStub, { nullable: true, description: 'The won deal it was issued from.' })
  sourceDeal(@Root() license: LicenseEntity): DealStub | null {
    return license.sourceDealId ? { id: license.sourceDealId } : null;
  }
}

@Resolver(() => LicenseTermType)
export class LicenseTermResolver {
  @FieldResolver(() => MoneyType, { description: 'What the term was sold for (a renewal: the renewal amount).' })
  amount(@Root() term: LicenseTermEntity): MoneyType {
    return toMoney(term.amount, term.currency);
  }

  @FieldResolver(() => DistributorStub, { nullable: true, description: "The distributor that renewed on the partner's behalf." })
  renewedBy(@Root() term: LicenseTermEntity): DistributorStub | null {
    return term.kind === 'RENEWAL' && term.distributorId ? { id: term.distributorId } : null;
  }
}
