import { describe, expect, it } from 'vitest';
import { findConflict, normalizeCustomerName, normalizeDomain, type RegistrationClaim } from './conflict';
import { priceLines } from './lines';
import { segmentForSeats } from './segment';
import { approvalExpiresOn, isExpiredOn } from './validity';

describe('segment', () => {
  it('is SMB at exactly 500 seats and ENTERPRISE at 501', () => {
    expect(segmentForSeats(500)).toBe('SMB');
    expect(segmentForSeats(501)).toBe('ENTERPRISE');
    expect(segmentForSeats(2)).toBe('SMB');
  });
});

describe('approval validity (90 days)', () => {
  const expiresAt = approvalExpiresOn('2026-01-01', 90);

  it('keeps a registration approved on day 0 valid through day 90', () => {
    expect(expiresAt).toBe('2026-04-01');
    expect(isExpiredOn(expiresAt, '2026-04-01')).toBe(false);
  });

  it('expires it on day 91', () => {
    expect(isExpiredOn(expiresAt, '2026-04-02')).toBe(true);
  });
});

describe('priceLines', () => {
  it('derives seats and amount from the lines, exactly', () => {
    const priced = priceLines(
      [
        { sku: 'WFBS-SVC', seats: 250, unitPrice: '19.99' },
        { sku: 'DDI-ADD', seats: 1, unitPrice: '0.01' },
      ],
      'EUR',
    );
    expect(priced.seats).toBe(251);
    expect(priced.amount).toBe(250n * 1999n + 1n);
  });

  it('accepts lines at the caps and a total of exactly 2^53 − 1 minor units, and refuses one minor unit more naming lines', () => {
    expect(priceLines([{ sku: 'A', seats: 1, unitPrice: '1000000000.00' }], 'EUR').amount).toBe(100_000_000_000n);
    const big = { sku: 'A', seats: 1_000_000, unitPrice: '90071992.54' };
    expect(priceLines([big, { sku: 'B', seats: 1, unitPrice: '7409.91' }], 'EUR').amount).toBe(9007199254740991n);
    expect(() => priceLines([big, { sku: 'B', seats: 1, unitPrice: '7409.92' }], 'EUR')).toThrow(expect.objectContaining({ details: { field: 'lines' } }));
  });

  it.each([
    [[], 'lines'],
    [[{ sku: 'A', seats: 0, unitPrice: '1' }], 'lines[0].seats'],
    [[{ sku: 'A', seats: -3, unitPrice: '1' }], 'lines[0].seats'],
    [[{ sku: 'A', seats: 1.5, unitPrice: '1' }], 'lines[0].seats'],
    [[{ sku: 'A', seats: 1, unitPrice: '-1.00' }], 'lines[0].unitPrice'],
    [[{ sku: 'A', seats: 1, unitPrice: '1.001' }], 'lines[0].unitPrice'],
    [[{ sku: ' ', seats: 1, unitPrice: '1' }], 'lines[0].sku'],
    [[{ sku: 'A'.repeat(81), seats: 1, unitPrice: '1' }], 'lines[0].sku'],
    [[{ sku: 'A', seats: 1_000_001, unitPrice: '1' }], 'lines[0].seats'],
    [[{ sku: 'A', seats: 1, unitPrice: '1000000000.01' }], 'lines[0].unitPrice'],
    [[{ sku: 'A', seats: 1, unitPrice: '90071992547409.93' }], 'lines[0].unitPrice'],
    [[{ sku: 'A', seats: 1_000_000, unitPrice: '1000000000000000000000' }], 'lines[0].unitPrice'],
    [[{ sku: 'A', seats: 1_000_000, unitPrice: '1000000000.00' }], 'lines[0]'],
    [Array.from({ length: 201 }, () => ({ sku: 'A', seats: 1, unitPrice: '1' })), 'lines'],
  ])('rejects %j naming %s', (lines, field) => {
    expect(() => priceLines(lines, 'EUR')).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT', details: { field } }));
  });
});

describe('conflict detection', () => {
  it('treats legal forms, case, accents and punctuation as the same customer', () => {
    expect(normalizeCustomerName('Société Générale S.A.')).toBe(normalizeCustomerName('societe generale'));
    expect(normalizeCustomerName('ACME, Inc.')).toBe('acme');
    expect(normalizeDomain('https://www.Acme.com/about')).toBe('acme.com');
  });

  const held = (overrides: Partial<RegistrationClaim>): RegistrationClaim => ({
    id: 'first',
    partnerId: 'p1',
    productLine: 'ENDPOINT',
    customerKey: 'acme',
    customerDomain: 'acme.com',
    status: 'APPROVED',
    expiresAt: '2026-03-31',
    registeredAt: new Date('2026-01-01T00:00:00Z'),
    ...overrides,
  });
  const candidate = { partnerId: 'p2', productLine: 'ENDPOINT', customerKey: 'acme corp europe', customerDomain: 'acme.com' };

  it('flags another partner holding the same customer (by domain) and product line', () => {
    expect(findConflict(candidate, [held({})], '2026-02-01')?.id).toBe('first');
  });

  it('ignores the same partner, another product line, a closed or an expired registration', () => {
    expect(findConflict(candidate, [held({ partnerId: 'p2' })], '2026-02-01')).toBeUndefined();
    expect(findConflict(candidate, [held({ productLine: 'NETWORK' })], '2026-02-01')).toBeUndefined();
    expect(findConflict(candidate, [held({ status: 'LOST' })], '2026-02-01')).toBeUndefined();
    expect(findConflict(candidate, [held({})], '2026-04-01')).toBeUndefined();
    expect(findConflict(candidate, [held({})], '2026-03-31')?.id).toBe('first');
  });

  it('protects the oldest registration', () => {
    const second = held({ id: 'second', partnerId: 'p3', registeredAt: new Date('2026-01-05T00:00:00Z') });
    expect(findConflict(candidate, [second, held({})], '2026-02-01')?.id).toBe('first');
  });
});
