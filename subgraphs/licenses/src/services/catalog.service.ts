import type { Claims } from '@hub/auth';
import { requireClaims } from '@hub/auth';
import { keysetPage, type Database, type KeysetPage } from '@hub/db';
import { type Clock, InvalidInputError, parseIsoDate } from '@hub/domain';
import type { BillingKind, Deployment, Edition } from '../domain';
import { SkuEntity } from '../entities';

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
    requireClaims(claims);
    const query = this.database.dataSource.manager.createQueryBuilder(SkuEntity, 'sku');
    if (filter.productLine) query.andWhere('sku.productLine = :productLine', { productLine: filter.productLine.trim().toUpperCase() });
    if (filter.edition) query.andWhere('sku.edition = :edition', { edition: filter.edition });
    if (filter.billing) query.andWhere('sku.billing = :billing', { billing: filter.billing });
    // simple-json holds ["CLOUD","HYBRID"]: the quoted name matches one element exactly.
    if (filter.deployment) query.andWhere('sku.deployments LIKE :deployment', { deployment: `%"${filter.deployment}"%` });
    return keysetPage(query, [{ column: 'sku.code', value: (sku) => sku.code }], page);
  }

  get(claims: Claims | null, code: string, load: (code: string) => Promise<SkuEntity | null>): Promise<SkuEntity | null> {
    requireClaims(claims);
    return load(code.trim().toUpperCase());
  }

  /**
   * The key a price loader batches on: currency and date checked here, at the edge, so the
   * loader only groups and reads. Null for a SKU billed the other way.
   */
  priceKey(sku: SkuEntity, billing: SkuEntity['billing'], currencyInput: string, date?: string | null): string | null {
    if (sku.billing !== billing) return null;
    return `${checkCurrency(currencyInput)}|${date ? parseIsoDate('asOf', date) : this.clock.today()}|${sku.code}`;
  }
}

function checkCurrency(currency: string): string {
  const code = currency.trim().toUpperCase();
  if (!CURRENCY.test(code)) throw new InvalidInputError('currency', `"${currency}" is not an ISO 4217 currency code`);
  return code;
}
