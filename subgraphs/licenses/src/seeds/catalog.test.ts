import { describe, expect, it } from 'vitest';
import { ADD_ONS, BILLING_KINDS, DEPLOYMENTS, EDITIONS, checkSchedule, type PriceTier } from '../domain';
import { demoCatalog, skuCode } from './catalog';

const CURRENCIES = ['EUR', 'CHF', 'AUD', 'USD'];
const catalog = demoCatalog();
const usageSkus = catalog.skus.filter((sku) => sku.billing === 'USAGE');
const termSkus = catalog.skus.filter((sku) => sku.billing === 'TERM');

const schedules = new Map<string, PriceTier[]>();
for (const price of catalog.usagePrices) {
  const key = `${price.sku} ${price.currency}`;
  schedules.set(key, [...(schedules.get(key) ?? []), { fromSeats: price.fromSeats, unitPriceMinor: price.unitPrice }]);
}

function scheduleOf(sku: string, currency: string): PriceTier[] {
  return [...(schedules.get(`${sku} ${currency}`) ?? [])].sort((a, b) => a.fromSeats - b.fromSeats);
}

describe('demo catalog', () => {
  it('has exactly 400 usage SKUs and 3 term SKUs per product line', () => {
    expect(usageSkus).toHaveLength(400);
    expect(termSkus).toHaveLength(60);
    expect(catalog.skus).toHaveLength(usageSkus.length + termSkus.length);
  });

  it('gives every SKU a unique code that ends in its billing kind', () => {
    const codes = catalog.skus.map((sku) => sku.code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const sku of catalog.skus) {
      expect(sku.code).toBe(skuCode(sku.productLine, sku.edition, sku.addOns, sku.billing));
      expect(sku.code.endsWith(sku.billing === 'TERM' ? '-T' : '-U')).toBe(true);
      expect(sku.code).toMatch(/^[A-Z0-9_-]+$/);
      expect(sku.code.length).toBeLessThanOrEqual(80);
    }
  });

  it('uses only known editions, add-ons, deployments and billing kinds, and every SKU can be deployed somewhere', () => {
    for (const sku of catalog.skus) {
      expect(EDITIONS).toContain(sku.edition);
      expect(BILLING_KINDS).toContain(sku.billing);
      expect(sku.deployments.length).toBeGreaterThan(0);
      for (const deployment of sku.deployments) expect(DEPLOYMENTS).toContain(deployment);
      for (const addOn of sku.addOns) expect(ADD_ONS).toContain(addOn);
      expect(new Set(sku.addOns).size).toBe(sku.addOns.length);
    }
  });

  it('prices every usage SKU in EUR, CHF, AUD and USD with a schedule from 1 seat and strictly falling unit prices', () => {
    for (const sku of usageSkus) {
      for (const currency of CURRENCIES) {
        const schedule = scheduleOf(sku.code, currency);
        expect(schedule.map((tier) => tier.fromSeats), `${sku.code} ${currency}`).toEqual([1, 100, 500, 1000]);
        expect(() => checkSchedule(sku.code, schedule)).not.toThrow();
        for (let i = 1; i < schedule.length; i += 1) {
          expect(schedule[i]!.unitPriceMinor, `${sku.code} ${currency} tier ${i}`).toBeLessThan(schedule[i - 1]!.unitPriceMinor);
        }
        expect(schedule.at(-1)!.unitPriceMinor).toBeGreaterThan(0n);
      }
    }
  });

  it('prices every term SKU once per currency, and prices nothing else', () => {
    for (const sku of termSkus) {
      const prices = catalog.termPrices.filter((price) => price.sku === sku.code);
      expect(prices.map((price) => price.currency).sort(), sku.code).toEqual([...CURRENCIES].sort());
      for (const price of prices) expect(price.pricePerSeatYear).toBeGreaterThan(0n);
    }
    const termCodes = new Set(termSkus.map((sku) => sku.code));
    const usageCodes = new Set(usageSkus.map((sku) => sku.code));
    expect(catalog.termPrices.every((price) => termCodes.has(price.sku))).toBe(true);
    expect(catalog.usagePrices.every((price) => usageCodes.has(price.sku))).toBe(true);
    expect(catalog.termPrices).toHaveLength(termSkus.length * CURRENCIES.length);
    expect(catalog.usagePrices).toHaveLength(usageSkus.length * CURRENCIES.length * 4);
  });

  it('holds every amount as a bigint', () => {
    for (const price of catalog.usagePrices) expect(typeof price.unitPrice).toBe('bigint');
    for (const price of catalog.termPrices) expect(typeof price.pricePerSeatYear).toBe('bigint');
  });

  it('derives the Endpoint Standard prices from 2.50 a seat-month: volume tiers, two free months a year, half-up currency conversion', () => {
    expect(scheduleOf('ENDPOINT-STD-U', 'EUR').map((tier) => tier.unitPriceMinor)).toEqual([250n, 225n, 200n, 175n]);
    // CHF at 95 %: 237.5 → 238; then 214.2 → 214, 190.4 → 190, 166.6 → 167
    expect(scheduleOf('ENDPOINT-STD-U', 'CHF').map((tier) => tier.unitPriceMinor)).toEqual([238n, 214n, 190n, 167n]);
    const termPrice = (sku: string, currency: string) => catalog.termPrices.find((price) => price.sku === sku && price.currency === currency)?.pricePerSeatYear;
    expect(termPrice('ENDPOINT-STD-T', 'EUR')).toBe(2_500n);
    // ADVANCED 150 % of 2.50 = 3.75, plus 0.60 + 0.80 + 1.20 of add-ons = 6.35 a month, 10 months = 63.50, USD at 108 % = 68.58
    expect(termPrice('ENDPOINT-ADV-ENC-DLP-DD-T', 'USD')).toBe(6_858n);
  });
});
