import { Arg, Args, Ctx, FieldResolver, ID, Query, Resolver, Root } from 'type-graphql';
import { DateScalar, MoneyType, PageArgs, pageRequest, toConnection, toMoney } from '@hub/graphql-kit';
import type { SkuEntity } from '../entities';
import type { LicensesContext } from './context';
import { SkuFilter } from './inputs';
import { SkuConnection, SkuType, UsagePriceTierType } from './types';

@Resolver(() => SkuType)
export class SkuResolver {
  @Query(() => SkuConnection, { description: 'The catalog, by SKU code.' })
  async skus(@Arg('filter', () => SkuFilter, { nullable: true }) filter: SkuFilter | null, @Args(() => PageArgs) page: PageArgs, @Ctx() ctx: LicensesContext) {
    return toConnection(await ctx.catalog.list(ctx.claims, filter ?? {}, pageRequest(page)));
  }

  @Query(() => SkuType, { nullable: true })
  async sku(@Arg('code', () => ID) code: string, @Ctx() ctx: LicensesContext) {
    return ctx.catalog.get(ctx.claims, code, (key) => ctx.loaders.sku.load(key));
  }

  @FieldResolver(() => MoneyType, { nullable: true, description: 'Price per seat-year of a TERM SKU in a currency; null for usage SKUs.' })
  async termPrice(
    @Root() sku: SkuEntity,
    @Arg('currency', () => String) currency: string,
    @Arg('asOf', () => DateScalar, { nullable: true }) asOf: string | null,
    @Ctx() ctx: LicensesContext,
  ) {
    const key = ctx.catalog.priceKey(sku, 'TERM', currency, asOf);
    const price = key === null ? null : await ctx.loaders.termPrice.load(key);
    return price === null ? null : toMoney(price, currency.trim().toUpperCase());
  }

  @FieldResolver(() => [UsagePriceTierType], { description: 'The all-units schedule per seat-month of a USAGE SKU; empty for term SKUs.' })
  async usagePrices(
    @Root() sku: SkuEntity,
    @Arg('currency', () => String) currency: string,
    @Arg('asOf', () => DateScalar, { nullable: true }) asOf: string | null,
    @Ctx() ctx: LicensesContext,
  ): Promise<UsagePriceTierType[]> {
    const key = ctx.catalog.priceKey(sku, 'USAGE', currency, asOf);
    const tiers = key ? await ctx.loaders.usagePrices.load(key) : [];
    return tiers.map((tier) => ({ fromSeats: tier.fromSeats, unitPrice: toMoney(tier.unitPriceMinor, currency.trim().toUpperCase()) }));
  }
}
