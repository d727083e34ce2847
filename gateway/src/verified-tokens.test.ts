import { describe, expect, it } from 'vitest';
import { createJwtVerifier, mintToken, type JwtVerifier } from '@hub/auth';
import { cachedTokenVerifier } from './verified-tokens';

const SECRET = 'verified-tokens-test-secret-of-32-characters';
const PARTNER_ID = '01a232e9-cf9b-7000-9e2e-feda8c9bccf9';

/** A real verifier that counts the verifications it actually performs. */
function countingVerifier(): { verifier: JwtVerifier; calls: () => number } {
  const real = createJwtVerifier({ secret: SECRET });
  let calls = 0;
  const withExpiry: JwtVerifier['withExpiry'] = (token) => {
    calls += 1;
    return real.withExpiry(token);
  };
  return { verifier: Object.assign(async (token: string) => (await withExpiry(token)).claims, { withExpiry }), calls: () => calls };
}

describe('cachedTokenVerifier', () => {
  it('verifies a token once, then answers from memory with the same frozen claims and expiry', async () => {
    const { verifier, calls } = countingVerifier();
    const verify = cachedTokenVerifier(verifier);
    const token = await mintToken({ sub: 'ann@p1', role: 'partner', partnerId: PARTNER_ID }, { secret: SECRET, expiresIn: '1h' });
    const first = await verify(token);
    const second = await verify(token);
    expect(calls()).toBe(1);
    expect(second).toEqual(first);
    expect(first.claims).toMatchObject({ sub: 'ann@p1', role: 'partner', partnerId: PARTNER_ID });
    expect(Object.isFrozen(first.claims)).toBe(true);
    expect(first.expiresAt).toBeGreaterThan(Date.now() + 59 * 60_000);
  });

  it('verifies again once maxAgeMs has passed, and never reuses a token past its exp', async () => {
    const { verifier, calls } = countingVerifier();
    let now = Date.now();
    const verify = cachedTokenVerifier(verifier, { maxAgeMs: 1_000, now: () => now });
    const token = await mintToken({ sub: 'bo@vendor', role: 'vendor_admin' }, { secret: SECRET, expiresIn: '1h' });
    await verify(token);
    now += 1_001;
    await verify(token);
    expect(calls()).toBe(2);

    const shortLived = await mintToken({ sub: 'bo@vendor', role: 'vendor_admin' }, { secret: SECRET, expiresIn: '2s' });
    const { expiresAt } = await verify(shortLived);
    const longCache = cachedTokenVerifier(verifier, { maxAgeMs: 3_600_000, now: () => expiresAt });
    await longCache(shortLived);
    await longCache(shortLived);
    // At its expiry instant nothing is served from memory: each call went to the verifier.
    expect(calls()).toBe(5);
  });

  it('remembers no refused token, and forgets the least recently used past maxEntries', async () => {
    const { verifier, calls } = countingVerifier();
    const verify = cachedTokenVerifier(verifier, { maxEntries: 2 });
    await expect(verify('not-a-jwt')).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    await expect(verify('not-a-jwt')).rejects.toThrow(/invalid token/);
    expect(calls()).toBe(2);

    const [a, b, c] = await Promise.all(['a', 'b', 'c'].map((sub) => mintToken({ sub, role: 'bi' }, { secret: SECRET, expiresIn: '1h' })));
    await verify(a!);
    await verify(b!);
    await verify(a!); // a is now the most recently used
    await verify(c!); // forgets b
    const before = calls();
    await verify(a!);
    await verify(c!);
    expect(calls()).toBe(before);
    await verify(b!);
    expect(calls()).toBe(before + 1);
  });
});
