import { describe, expect, it } from 'vitest';
import { applyRate, formatAmount, formatRate, parseMoney, parseRate } from './money';

describe('money', () => {
  it('parses and formats exact decimal amounts in minor units', () => {
    expect(parseMoney('amount', '3925.50', 'EUR').minor).toBe(392550n);
    expect(parseMoney('amount', '12', 'AUD').minor).toBe(1200n);
    expect(formatAmount(392550n, 'EUR')).toBe('3925.50');
    expect(formatAmount(-5n, 'USD')).toBe('-0.05');
    expect(formatAmount(7n, 'JPY')).toBe('7');
  });

  it('rejects more decimals than the currency has, naming the field', () => {
    expect(() => parseMoney('price', '1.005', 'EUR')).toThrow(/price: .*more than 2 decimal places/);
    expect(() => parseMoney('price', '1e5', 'EUR')).toThrow(/price: /);
  });

  it('rounds half up to the minor unit', () => {
    expect(applyRate(5234000n, parseRate('7.5%'))).toBe(392550n);
    expect(applyRate(1n, parseRate('0.5'))).toBe(1n);
    expect(applyRate(3n, parseRate('0.5'))).toBe(2n);
    expect(applyRate(-3n, parseRate('0.5'))).toBe(-2n);
    expect(applyRate(2499999n, parseRate('0.05'))).toBe(125000n);
  });

  it('formats rates as percentages with only the decimals they need', () => {
    expect(formatRate(parseRate('0.175'))).toBe('17.5%');
    expect(formatRate(parseRate('5%'))).toBe('5%');
    expect(formatRate(parseRate('0.075'))).toBe('7.5%');
  });
});
