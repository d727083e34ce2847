import type { Claims } from '@hub/auth';
import { requireClaims } from '@hub/auth';
import { keysetPage, type Database, type KeysetPage } from '@hub/db';
import { type Clock, InvalidInputError } from '@hub/domain';
import { tierFor, type BillingKind, type Deployment, type Edition, type PriceTier } from '../domain';
import { SkuEntity } from '../entities';
import { termPriceOn, usageSchedulesOn } from './price-book';

export interface SkuFilter {
  productLine?: string | null;
  edition?: Edition | null;
  billing?: BillingKind | null;
  deployment?: Deployment | null;
}

const CURRENCY = /^[A-Z]{3}$/;

/** The catalog and price book, readable by anyone signed in. */
export class CatalogService {
  constructor(
    private readonly database: Database,
    private readonly clock: Clock,
  ) {}

  list(claims: Claims | null, filter: SkuFilter, page: { first: number; after?: string }): Promise<KeysetPage<SkuEntity>> {
    requireClaims(claims ?? undefined);
    const query = this.database.dataSource.manager.createQueryBuilder(SkuEntity, 'sku');
    if (filter.productLine) query.andWhere('sku.productLine = :productLine', { productLine: filter.productLine.trim().toUpperCase() });
    if (filter.edition) query.andWhere('sku.edition = :edition', { edition: filter.edition });
    if (filter.billing) query.andWhere('sku.billing = :billing', { billing: filter.billing });
    // simple-json holds ["CLOUD","HYBRID"]: the quoted name matches one element exactly.
    if (filter.deployment) query.andWhere('sku.deployments LIKE :deployment', { deployment: `%"${filter.deployment}"%` });
    return keysetPage(query, [{ column: 'sku.code', value: (sku) => sku.code }], page);
  }

  get(claims: Claims | null, code: string, load: (code: string) => Promise<SkuEntity | null>): Promise<SkuEntity | null> {
    requireClaims(claims ?? undefined);
    return load(code.trim().toUpperCase());
  }

  async termPrice(sku: SkuEntity, currencyInput: string, date?: string | null): Promise<bigint | null> {
    if (sku.billing !== 'TERM') return null;
    return termPriceOn(this.database.dataSource.manager, sku.code, checkCurrency(currencyInput), date ?? this.clock.today()).catch(() => null);
  }

  /** The SKU's all-units schedule in effect on the date; empty for term SKUs. */
  async usagePrices(sku: SkuEntity, currencyInput: string, date?: string | null): Promise<PriceTier[]> {
    if (sku.billing !== 'USAGE') return [];
    const schedules = await usageSchedulesOn(this.database.dataSource.manager, checkCurrency(currencyInput), date ?? this.clock.today());
    return schedules.get(sku.code) ?? [];
  }

  /** What `seats` seats of the SKU cost for a month: the tier the total reaches prices every seat. */
  async quoteUsage(sku: SkuEntity, currencyInput: string, seats: number): Promise<{ tier: PriceTier; amountMinor: bigint } | null> {
    if (!Number.isInteger(seats) || seats < 1) throw new InvalidInputError('seats', `must be a whole number of seats, 1 or more, got ${seats}`);
    const tiers = await this.usagePrices(sku, currencyInput);
    if (tiers.length === 0) return null;
    const tier = tierFor(tiers, seats);
    return { tier, amountMinor: tier.unitPriceMinor * BigInt(seats) };
  }
}

function checkCurrency(currency: string): string {
  const code = currency.trim().toUpperCase();
  if (!CURRENCY.test(code)) throw new InvalidInputError('currency', `"${currency}" is not an ISO 4217 currency code`);
  return code;
}
