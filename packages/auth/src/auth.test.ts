import { SignJWT } from 'jose';
import { beforeEach, describe, expect, it } from 'vitest';
import { canReadPartner, claimsFromPayload, ownDistributorId, ownPartnerId, requireClaims, requireRole, type Claims } from './claims';
import { signGatewayRequest, signSubscription, SIGNATURE_HEADER, SUBSCRIPTION_AUTH_EXTENSION, verifyGatewayRequest, verifySubscription } from './gateway-signature';
import { bearerToken, createJwtVerifier, mintToken, tokenLifetimeSeconds } from './jwt';
import { memoryNonceStore, sharedNonceStoreWithLocalFallback, type NonceStore } from './nonce-store';

const secret = 'a-test-secret-that-is-long-enough-000';
const PARTNER_ID = '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b';
const DISTRIBUTOR_ID = '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5c';
const partner: Claims = { sub: 'u1', role: 'partner', partnerId: PARTNER_ID };
const distributor: Claims = { sub: 'd1', role: 'distributor', distributorId: DISTRIBUTOR_ID };

const nowSeconds = () => Math.floor(Date.now() / 1000);
/** Signs any payload, with or without exp and iat, as an identity provider might. */
const signRaw = (payload: Record<string, unknown>) => new SignJWT(payload).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(secret));

describe('jwt', () => {
  it('verifies a minted HS256 token and returns its claims', async () => {
    const token = await mintToken(partner, { secret });
    await expect(createJwtVerifier({ secret })(token)).resolves.toEqual(partner);
  });

  it('tells when the token expires, so a connection it opened can be ended then', async () => {
    const token = await mintToken(partner, { secret, expiresIn: '30m' });
    const { claims, expiresAt } = await createJwtVerifier({ secret }).withExpiry(token);
    expect(claims).toEqual(partner);
    expect(Math.abs(expiresAt.getTime() / 1000 - (nowSeconds() + 1800))).toBeLessThanOrEqual(1);
  });

  it('rejects a token signed with another secret', async () => {
    const token = await mintToken(partner, { secret: `${secret}-other` });
    await expect(createJwtVerifier({ secret })(token)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('refuses a token without exp, which would be good forever', async () => {
    const token = await signRaw({ sub: 'u', role: 'vendor_admin', iat: nowSeconds() });
    await expect(createJwtVerifier({ secret })(token)).rejects.toThrow(/"exp"/);
  });

  it('accepts a lifetime of exactly 24 h by default and refuses one second more', async () => {
    const iat = nowSeconds() - 60;
    const verify = createJwtVerifier({ secret });
    await expect(verify(await signRaw({ sub: 'u', role: 'bi', iat, exp: iat + 24 * 3600 }))).resolves.toEqual({ sub: 'u', role: 'bi' });
    await expect(verify(await signRaw({ sub: 'u', role: 'bi', iat, exp: iat + 24 * 3600 + 1 }))).rejects.toThrow(/longer than the 86400 s/);
  });

  it('measures from now when iat is missing or in the future, and honours a configured maximum', async () => {
    const now = nowSeconds();
    const verify = createJwtVerifier({ secret, maxTtlSeconds: 3600 });
    await expect(verify(await signRaw({ sub: 'u', role: 'bi', exp: now + 3500 }))).resolves.toMatchObject({ role: 'bi' });
    await expect(verify(await signRaw({ sub: 'u', role: 'bi', exp: now + 7200 }))).rejects.toThrow(/3600 s/);
    // Claiming to be issued tomorrow does not stretch a token's life past the maximum.
    await expect(verify(await signRaw({ sub: 'u', role: 'bi', iat: now + 86_400, exp: now + 86_400 + 60 }))).rejects.toThrow(/3600 s/);
    await expect(verify(await mintToken(partner, { secret, expiresIn: '2h' }))).rejects.toThrow(/3600 s/);
    expect(tokenLifetimeSeconds({ iat: 100, exp: 200 }, 150)).toBe(100);
    expect(tokenLifetimeSeconds({ iat: 100 }, 150)).toBeUndefined();
  });

  it('needs an issuer and an audience to trust a JWKS', () => {
    expect(() => createJwtVerifier({ jwksUrl: 'https://id.example/jwks', issuer: 'https://id.example/' })).toThrow(/issuer and an audience/);
  });

  it('strips the Bearer prefix, as graphql-ws connectionParams keep it', () => {
    expect(bearerToken('Bearer abc')).toBe('abc');
    expect(bearerToken('abc')).toBe('abc');
    expect(bearerToken('Bearer ')).toBeUndefined();
  });
});

describe('claims', () => {
  const refused = (payload: unknown) => () => claimsFromPayload(payload);

  it('keeps the id each role needs and nothing else of the payload', () => {
    expect(claimsFromPayload({ ...partner, iat: 1, exp: 2, iss: 'x' })).toEqual(partner);
    expect(claimsFromPayload(distributor)).toEqual(distributor);
    expect(claimsFromPayload({ sub: 'admin@vendor', role: 'vendor_admin' })).toEqual({ sub: 'admin@vendor', role: 'vendor_admin' });
  });

  it.each([
    ['partner', 'partnerId'],
    ['distributor', 'distributorId'],
  ])('refuses a %s token whose %s is missing, empty, not a string or not an id', (role, claim) => {
    expect(refused({ sub: 'u', role })).toThrow(new RegExp(`${claim} is required`));
    for (const value of ['', ' ', 'p1', 42, null, `${PARTNER_ID} `, PARTNER_ID.toUpperCase(), `${PARTNER_ID}\n`]) {
      expect(refused({ sub: 'u', role, [claim]: value })).toThrow(new RegExp(claim));
    }
  });

  it('refuses an id a role does not carry rather than guessing which one counts', () => {
    expect(refused({ ...partner, distributorId: DISTRIBUTOR_ID })).toThrow(/distributorId must not be set/);
    expect(refused({ ...distributor, partnerId: PARTNER_ID })).toThrow(/partnerId must not be set/);
    for (const role of ['vendor_admin', 'channel_manager', 'bi']) {
      expect(refused({ sub: 'u', role, partnerId: PARTNER_ID })).toThrow(/partnerId must not be set/);
      expect(refused({ sub: 'u', role, partnerId: '' })).toThrow(/partnerId must not be set/);
    }
  });

  it('refuses an unknown role and a subject that is missing, unprintable, padded or too long', () => {
    expect(refused({ sub: 'u', role: 'root' })).toThrow(/role must be one of/);
    expect(refused({ role: 'bi' })).toThrow(/sub is required/);
    expect(refused({ sub: '', role: 'bi' })).toThrow(/sub is required/);
    expect(refused({ sub: 'a\nb', role: 'bi' })).toThrow(/sub must be printable/);
    expect(refused({ sub: 'a\u202eb', role: 'bi' })).toThrow(/sub must be printable/);
    expect(refused({ sub: ' admin', role: 'bi' })).toThrow(/sub must not start or end with spaces/);
    expect(refused({ sub: 'x'.repeat(201), role: 'bi' })).toThrow(/at most 200/);
    expect(claimsFromPayload({ sub: 'Zoë Müller <zoe@partner.example>', role: 'bi' }).sub).toBe('Zoë Müller <zoe@partner.example>');
    expect(refused(null)).toThrow(/UNAUTHENTICATED|claims/);
  });

  it.each([
    ['partner', 'partnerId'],
    ['distributor', 'distributorId'],
  ])('refuses at the verifier a %s token with an empty or missing %s', async (role, claim) => {
    const verify = createJwtVerifier({ secret });
    for (const claims of [{ sub: 'u', role }, { sub: 'u', role, [claim]: '' }]) {
      const token = await mintToken(claims as unknown as Claims, { secret });
      await expect(verify(token)).rejects.toMatchObject({ code: 'UNAUTHENTICATED', message: expect.stringContaining(claim) });
    }
  });
});

describe('gateway signature', () => {
  const body = '{"query":"{ partners { totalCount } }"}';
  const sign = (overrides: Partial<Parameters<typeof signGatewayRequest>[0]> = {}) =>
    ({ ...signGatewayRequest({ secret, subgraph: 'partners', claims: partner, body, nowSeconds: 1000, ...overrides }) }) as Record<string, string | undefined>;
  const verify = (headers: Record<string, string | undefined>, overrides: Partial<Parameters<typeof verifyGatewayRequest>[0]> = {}) =>
    verifyGatewayRequest({ secret, subgraph: 'partners', body, headers, nonces: memoryNonceStore(), nowSeconds: 1010, ...overrides });

  it('round-trips the claims when body, subgraph and signature match', async () => {
    await expect(verify(sign())).resolves.toEqual(partner);
    await expect(verify(sign({ claims: null }))).resolves.toBeNull();
  });

  it('refuses a changed body, forged claims and a missing signature', async () => {
    await expect(verify(sign(), { body: `${body} ` })).rejects.toThrow(/does not match/);
    const forged = { ...sign(), 'x-hub-claims': Buffer.from(JSON.stringify({ ...partner, role: 'vendor_admin' })).toString('base64url') };
    await expect(verify(forged)).rejects.toThrow(/does not match/);
    await expect(verify({ ...sign(), [SIGNATURE_HEADER]: undefined })).rejects.toThrow(/gateway/);
  });

  it('refuses a request signed for deals at partners, even with the subgraph header rewritten', async () => {
    const forDeals = sign({ subgraph: 'deals' });
    await expect(verify(forDeals)).rejects.toMatchObject({ code: 'UNAUTHENTICATED', message: expect.stringMatching(/another subgraph/) });
    await expect(verify({ ...forDeals, 'x-hub-subgraph': 'partners' })).rejects.toThrow(/does not match/);
  });

  it('refuses a replay: the same signed request is accepted once', async () => {
    const nonces = memoryNonceStore();
    const headers = sign();
    await expect(verify(headers, { nonces })).resolves.toEqual(partner);
    await expect(verify(headers, { nonces })).rejects.toMatchObject({ code: 'UNAUTHENTICATED', message: expect.stringMatching(/already been used/) });
    // A new signature of the same request carries a new nonce.
    await expect(verify(sign(), { nonces })).resolves.toEqual(partner);
  });

  it('accepts 60 s either way and refuses 61, however long a window is asked for', async () => {
    await expect(verify(sign(), { nowSeconds: 1060 })).resolves.toEqual(partner);
    await expect(verify(sign(), { nowSeconds: 940 })).resolves.toEqual(partner);
    await expect(verify(sign(), { nowSeconds: 1061 })).rejects.toThrow(/expired/);
    await expect(verify(sign(), { nowSeconds: 1061, windowSeconds: 300 })).rejects.toThrow(/expired/);
    await expect(verify(sign(), { nowSeconds: 1011, windowSeconds: 10 })).rejects.toThrow(/expired/);
  });

  it('remembers a nonce for as long as its signature could still be accepted', async () => {
    const remembered: number[] = [];
    const nonces = { remember: async (_key: string, ttl: number) => (remembered.push(ttl), true) };
    await verify(sign(), { nonces, nowSeconds: 1010 });
    await verify(sign(), { nonces, nowSeconds: 950 });
    expect(remembered).toEqual([51, 111]);
  });

  it('refuses malformed fields before computing anything', async () => {
    await expect(verify({ ...sign(), 'x-hub-nonce': 'short' })).rejects.toThrow(/malformed/);
    await expect(verify({ ...sign(), 'x-hub-timestamp': '1e3' })).rejects.toThrow(/malformed/);
  });
});

describe('subscription signature', () => {
  const signed = (overrides: Partial<Parameters<typeof signSubscription>[0]> = {}) =>
    signSubscription({ secret, subgraph: 'deals', claims: partner, nowSeconds: 1000, ...overrides });
  const verify = (extensions: Record<string, unknown> | undefined, overrides: Partial<Parameters<typeof verifySubscription>[0]> = {}) =>
    verifySubscription({ secret, subgraph: 'deals', extensions, nonces: memoryNonceStore(), nowSeconds: 1030, ...overrides });

  it('accepts the gateway-signed claims once, for that subgraph, within the window', async () => {
    const nonces = memoryNonceStore();
    const extensions = { [SUBSCRIPTION_AUTH_EXTENSION]: signed() };
    await expect(verify(extensions, { nonces })).resolves.toEqual(partner);
    await expect(verify(extensions, { nonces })).rejects.toThrow(/already been used/);
    await expect(verify(extensions, { subgraph: 'licenses' })).rejects.toThrow(/another subgraph/);
    await expect(verify(extensions, { nowSeconds: 1061 })).rejects.toThrow(/expired/);
  });

  it('refuses missing, forged or HTTP signatures', async () => {
    await expect(verify({})).rejects.toThrow(/gateway/);
    await expect(verify({ [SUBSCRIPTION_AUTH_EXTENSION]: 'x' })).rejects.toThrow(/gateway/);
    await expect(verify({ [SUBSCRIPTION_AUTH_EXTENSION]: signed({ secret: `${secret}-x` }) })).rejects.toThrow(/does not match/);
    // An HTTP request signature is not a subscription signature.
    const httpSigned = signGatewayRequest({ secret, subgraph: 'deals', claims: partner, body: '{"query":"{ x }"}', nowSeconds: 1000 });
    await expect(verify({ [SUBSCRIPTION_AUTH_EXTENSION]: httpSigned })).rejects.toThrow(/does not match/);
  });
});

describe('memory nonce store', () => {
  it('forgets a nonce when it expires, not before', async () => {
    let now = 0;
    const store = memoryNonceStore({ now: () => now });
    expect(await store.remember('n', 60)).toBe(true);
    now = 59_999;
    expect(await store.remember('n', 60)).toBe(false);
    now = 60_000;
    expect(await store.remember('n', 60)).toBe(true);
  });

  it('refuses new nonces when full of live ones rather than forgetting any, and makes room as they expire', async () => {
    let now = 0;
    const store = memoryNonceStore({ capacity: 2, now: () => now });
    await store.remember('a', 10);
    await store.remember('b', 20);
    await expect(store.remember('c', 10)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(await store.remember('a', 10)).toBe(false);
    now = 10_000;
    expect(await store.remember('c', 10)).toBe(true);
    expect(await store.remember('b', 10)).toBe(false);
  });
});

describe('shared nonce store with a local fallback', () => {
  /** A shared store that can be switched off, as Redis going away would. */
  const switchable = () => {
    const inner = memoryNonceStore({ now: () => clock.now });
    const state = { up: true, calls: 0 };
    const store: NonceStore = {
      remember: async (key, ttl) => {
        state.calls += 1;
        if (!state.up) throw new Error('Redis is not reachable');
        return inner.remember(key, ttl);
      },
    };
    return { store, state };
  };
  const clock = { now: 0 };
  beforeEach(() => {
    clock.now = 0;
  });

  it('answers from the shared store while it is up, and refuses what it refuses', async () => {
    const shared = switchable();
    const store = sharedNonceStoreWithLocalFallback(shared.store, { now: () => clock.now });
    expect(await store.remember('a', 60)).toBe(true);
    expect(await store.remember('a', 60)).toBe(false);
    expect(shared.state.calls).toBe(2);
  });

  it('accepts a fresh nonce while the shared store is down, refuses its replay, and reports each failure', async () => {
    const shared = switchable();
    const failures: unknown[] = [];
    const store = sharedNonceStoreWithLocalFallback(shared.store, { now: () => clock.now, onSharedFailure: (error) => failures.push(error) });
    shared.state.up = false;
    expect(await store.remember('a', 60)).toBe(true);
    expect(await store.remember('a', 60)).toBe(false);
    clock.now = 1_000;
    expect(await store.remember('b', 60)).toBe(true);
    expect(failures).toHaveLength(2);
  });

  it('does not ask a failed shared store again for a second, so a hung Redis costs one slow check per second', async () => {
    const shared = switchable();
    const store = sharedNonceStoreWithLocalFallback(shared.store, { now: () => clock.now });
    shared.state.up = false;
    expect(await store.remember('a', 60)).toBe(true);
    clock.now = 999;
    expect(await store.remember('b', 60)).toBe(true);
    expect(await store.remember('b', 60)).toBe(false);
    expect(shared.state.calls).toBe(1);
    shared.state.up = true;
    clock.now = 1_000;
    expect(await store.remember('c', 60)).toBe(true);
    expect(shared.state.calls).toBe(2);
    // Accepted while the shared store rested: still refused locally after it answers again.
    expect(await store.remember('b', 60)).toBe(false);
  });

  it('still refuses a nonce accepted during the outage when it is replayed after the shared store returns, within its window', async () => {
    const shared = switchable();
    const store = sharedNonceStoreWithLocalFallback(shared.store, { now: () => clock.now });
    shared.state.up = false;
    expect(await store.remember('during', 60)).toBe(true);
    shared.state.up = true;
    clock.now = 30_000;
    expect(await store.remember('during', 60)).toBe(false);
    expect(await store.remember('after', 60)).toBe(true);
    expect(await store.remember('after', 60)).toBe(false);
    // Once the outage's window has passed, only the shared store is asked.
    clock.now = 61_000;
    const callsBefore = shared.state.calls;
    expect(await store.remember('later', 60)).toBe(true);
    expect(shared.state.calls).toBe(callsBefore + 1);
  });

  it('lets a nonce the shared store already holds be refused even while checked locally', async () => {
    const shared = switchable();
    const store = sharedNonceStoreWithLocalFallback(shared.store, { now: () => clock.now });
    expect(await store.remember('before', 60)).toBe(true);
    shared.state.up = false;
    expect(await store.remember('x', 60)).toBe(true);
    shared.state.up = true;
    clock.now = 1_000;
    expect(await store.remember('before', 60)).toBe(false);
  });
});

describe('access rules', () => {
  it('names the caller\'s own partner or distributor, and refuses claims that name none', () => {
    expect(ownPartnerId(partner)).toBe(PARTNER_ID);
    expect(ownDistributorId(distributor)).toBe(DISTRIBUTOR_ID);
    for (const claims of [{ ...partner, partnerId: '' }, { sub: 'u', role: 'partner' }, distributor, { sub: 'a', role: 'vendor_admin' }] as Claims[]) {
      expect(() => ownPartnerId(claims)).toThrow(expect.objectContaining({ code: 'UNAUTHENTICATED' }));
    }
    for (const claims of [{ ...distributor, distributorId: '' }, { sub: 'u', role: 'distributor' }, partner] as Claims[]) {
      expect(() => ownDistributorId(claims)).toThrow(expect.objectContaining({ code: 'UNAUTHENTICATED' }));
    }
  });

  it('lets a partner read only itself and staff read everyone', () => {
    expect(canReadPartner(partner, PARTNER_ID)).toBe(true);
    expect(canReadPartner(partner, DISTRIBUTOR_ID)).toBe(false);
    expect(canReadPartner({ sub: 'a', role: 'bi' }, PARTNER_ID)).toBe(true);
    expect(() => requireRole({ sub: 'b', role: 'bi' }, ['vendor_admin'])).toThrow(/roles/);
  });

  it('treats a context without claims (null) and an absent field (undefined) alike: no caller', () => {
    for (const none of [null, undefined]) {
      expect(() => requireClaims(none)).toThrow(expect.objectContaining({ code: 'UNAUTHENTICATED' }));
      expect(() => requireRole(none, ['vendor_admin'])).toThrow(expect.objectContaining({ code: 'UNAUTHENTICATED' }));
    }
    expect(requireClaims(partner)).toBe(partner);
    expect(requireRole(partner, ['partner'])).toBe(partner);
  });
});
