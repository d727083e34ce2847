import type { EntityManager } from 'typeorm';
import type { AddOn, BillingKind, Edition } from '../domain';
import { LicensePolicyEntity, SkuEntity, TermPriceEntity, UsagePriceEntity } from '../entities';
import { recordCatalogPublished } from '../services/catalog-events';
import {
  ADD_ON_DATA,
  EDITION_DATA,
  LICENSE_POLICIES,
  PRICE_BOOK_CURRENCIES,
  PRICE_BOOK_EFFECTIVE_FROM,
  PRODUCT_LINES,
  TERM_BUNDLES,
  TERM_MONTHS_CHARGED_PER_YEAR,
  USAGE_BUNDLES,
  USAGE_VOLUME_TIERS,
  type ProductLineData,
} from './catalog.data';

export function skuCode(productLine: string, edition: Edition, addOns: AddOn[], billing: BillingKind): string {
  return [productLine, EDITION_DATA[edition].abbreviation, ...addOns.map((a) => ADD_ON_DATA[a].abbreviation), billing === 'TERM' ? 'T' : 'U'].join('-');
}

function skuName(line: ProductLineData, edition: Edition, addOns: AddOn[], billing: BillingKind): string {
  const extras = addOns.length > 0 ? ` with ${addOns.map((a) => ADD_ON_DATA[a].label).join(', ')}` : '';
  return `${line.name} ${EDITION_DATA[edition].label}${extras} (${billing === 'TERM' ? 'term' : 'usage'})`;
}

/** List price per seat-month in euro cents, before volume tiers and currency. */
function monthlyEurCents(line: ProductLineData, edition: Edition, addOns: AddOn[]): bigint {
  const base = (BigInt(line.baseMonthlyEurCents) * BigInt(EDITION_DATA[edition].pricePercent)) / 100n;
  return addOns.reduce((sum, addOn) => sum + BigInt(ADD_ON_DATA[addOn].monthlyEurCents), base);
}

/** `value × percent / 100`, rounded half-up to the minor unit. */
function percentOf(value: bigint, percent: number): bigint {
  return (value * BigInt(percent) * 2n + 100n) / 200n;
}

/** The demo catalog and price book as rows, derived from `catalog.data.ts`. */
export function demoCatalog() {
  const skus: SkuEntity[] = [];
  const termPrices: TermPriceEntity[] = [];
  const usagePrices: UsagePriceEntity[] = [];
  for (const line of PRODUCT_LINES) {
    for (const edition of Object.keys(USAGE_BUNDLES) as Edition[]) {
      for (const addOns of USAGE_BUNDLES[edition]) {
        const code = skuCode(line.code, edition, addOns, 'USAGE');
        skus.push({ code, name: skuName(line, edition, addOns, 'USAGE'), productLine: line.code, edition, addOns, deployments: line.deployments, billing: 'USAGE' });
        const list = monthlyEurCents(line, edition, addOns);
        for (const { currency, percentOfEur } of PRICE_BOOK_CURRENCIES) {
          for (const tier of USAGE_VOLUME_TIERS) {
            usagePrices.push({
              sku: code,
              currency,
              effectiveFrom: PRICE_BOOK_EFFECTIVE_FROM,
              fromSeats: tier.fromSeats,
              unitPrice: percentOf(percentOf(list, percentOfEur), tier.pricePercent),
            });
          }
        }
      }
    }
    for (const { edition, addOns } of TERM_BUNDLES) {
      const code = skuCode(line.code, edition, addOns, 'TERM');
      skus.push({ code, name: skuName(line, edition, addOns, 'TERM'), productLine: line.code, edition, addOns, deployments: line.deployments, billing: 'TERM' });
      const yearly = monthlyEurCents(line, edition, addOns) * BigInt(TERM_MONTHS_CHARGED_PER_YEAR);
      for (const { currency, percentOfEur } of PRICE_BOOK_CURRENCIES) {
        termPrices.push({ sku: code, currency, effectiveFrom: PRICE_BOOK_EFFECTIVE_FROM, pricePerSeatYear: percentOf(yearly, percentOfEur) });
      }
    }
  }
  return { skus, termPrices, usagePrices, policies: LICENSE_POLICIES };
}

/**
 * Loads the demo catalog, price book and policies into an empty database and publishes each SKU
 * (deals learns the catalog from those events); leaves edited data alone.
 */
export async function seedCatalog(manager: EntityManager, now: Date): Promise<{ skus: number; created: boolean }> {
  const existing = await manager.count(SkuEntity);
  if (existing > 0) return { skus: existing, created: false };
  const catalog = demoCatalog();
  // Chunks keep each INSERT well under MySQL's packet and SQLite's variable limits.
  const chunk = async <T extends object>(entity: new () => T, rows: T[]) => {
    for (let i = 0; i < rows.length; i += 200) await manager.insert(entity, rows.slice(i, i + 200) as never);
  };
  await chunk(SkuEntity, catalog.skus);
  await recordCatalogPublished(manager, catalog.skus, now);
  await chunk(TermPriceEntity, catalog.termPrices);
  await chunk(UsagePriceEntity, catalog.usagePrices);
  if ((await manager.count(LicensePolicyEntity)) === 0) await chunk(LicensePolicyEntity, catalog.policies);
  return { skus: catalog.skus.length, created: true };
}
