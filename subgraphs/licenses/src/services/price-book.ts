import { In, LessThanOrEqual, type EntityManager } from 'typeorm';
import type { IsoDate } from '@hub/domain';
import { LicensesError, type PriceTier } from '../domain';
import { LicensePolicyEntity, TermPriceEntity, UsagePriceEntity } from '../entities';

/** The price per seat-year of a term SKU in a currency on a date: the latest price in effect. */
export async function termPriceOn(manager: EntityManager, sku: string, currency: string, date: IsoDate): Promise<bigint> {
  const price = await manager.findOne(TermPriceEntity, {
    where: { sku, currency, effectiveFrom: LessThanOrEqual(date) },
    order: { effectiveFrom: 'DESC' },
  });
  if (!price) throw new LicensesError('LICENSES.NO_PRICE', `${sku} has no ${currency} term price on ${date}`, { sku, currency, date });
  return price.pricePerSeatYear;
}

/** Term prices per seat-year of many SKUs in a currency on a date, in one query; SKUs without one are absent. */
export async function termPricesOn(manager: EntityManager, skus: readonly string[], currency: string, date: IsoDate): Promise<Map<string, bigint>> {
  if (skus.length === 0) return new Map();
  const rows = await manager.find(TermPriceEntity, { where: { sku: In([...skus]), currency, effectiveFrom: LessThanOrEqual(date) }, order: { sku: 'ASC', effectiveFrom: 'DESC' } });
  const prices = new Map<string, bigint>();
  for (const row of rows) if (!prices.has(row.sku)) prices.set(row.sku, row.pricePerSeatYear);
  return prices;
}

/**
 * The all-units schedules of usage SKUs (all, or those listed) in a currency as in effect on a
 * date: one query, then the latest `effectiveFrom` per SKU wins. A month is rated with the prices of its first day.
 */
export async function usageSchedulesOn(manager: EntityManager, currency: string, date: IsoDate, skus?: readonly string[]): Promise<Map<string, PriceTier[]>> {
  if (skus?.length === 0) return new Map();
  const rows = await manager.find(UsagePriceEntity, {
    where: { currency, effectiveFrom: LessThanOrEqual(date), ...(skus ? { sku: In([...skus]) } : {}) },
    order: { sku: 'ASC', effectiveFrom: 'DESC', fromSeats: 'ASC' },
  });
  const schedules = new Map<string, PriceTier[]>();
  const versionOf = new Map<string, string>();
  for (const row of rows) {
    const version = versionOf.get(row.sku);
    if (version === undefined) versionOf.set(row.sku, row.effectiveFrom);
    else if (version !== row.effectiveFrom) continue;
    const tiers = schedules.get(row.sku) ?? [];
    tiers.push({ fromSeats: row.fromSeats, unitPriceMinor: row.unitPrice });
    schedules.set(row.sku, tiers);
  }
  return schedules;
}

const DEFAULT_POLICY = { defaultTermMonths: 12, usageLockDay: 10 };

export async function policyFor(manager: EntityManager, programCode: string): Promise<{ defaultTermMonths: number; usageLockDay: number }> {
  return (await manager.findOneBy(LicensePolicyEntity, { programCode })) ?? DEFAULT_POLICY;
}
