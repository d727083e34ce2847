import { describe, expect, it } from 'vitest';
import { applyRate, checkAmount, formatAmount, formatRate, MAX_AMOUNT_MINOR, parseMoney, parseRate } from './money';

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

  it('accepts amounts up to 2^53 − 1 minor units either way and refuses beyond, naming the field', () => {
    expect(MAX_AMOUNT_MINOR).toBe(9007199254740991n);
    expect(parseMoney('amount', '90071992547409.91', 'EUR').minor).toBe(MAX_AMOUNT_MINOR);
    expect(parseMoney('amount', '-90071992547409.91', 'EUR').minor).toBe(-MAX_AMOUNT_MINOR);
    expect(() => parseMoney('amount', '90071992547409.92', 'EUR')).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'amount' }));
    expect(() => parseMoney('amount', '1000000000000000000000', 'EUR')).toThrow(/amount: amounts are limited to 90071992547409.91 EUR/);
    expect(() => parseMoney('amount', '1'.repeat(10_000), 'EUR')).toThrow(/amount: .* is not a decimal amount/);
    expect(checkAmount('total', MAX_AMOUNT_MINOR, 'JPY')).toBe(MAX_AMOUNT_MINOR);
    expect(() => checkAmount('total', MAX_AMOUNT_MINOR + 1n, 'JPY')).toThrow(/total: .*9007199254740991 JPY/);
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
