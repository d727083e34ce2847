import { describe, expect, it } from 'vitest';
import { canReadPartner, requireRole, type Claims } from './claims';
import { signGatewayRequest, verifyGatewayRequest, SIGNATURE_HEADER } from './gateway-signature';
import { bearerToken, createJwtVerifier, mintToken } from './jwt';

const secret = 'a-test-secret-that-is-long-enough-000';
const partner: Claims = { sub: 'u1', role: 'partner', partnerId: 'p1' };

describe('jwt', () => {
  it('verifies a minted HS256 token and returns its claims', async () => {
    const token = await mintToken(partner, { secret });
    await expect(createJwtVerifier({ secret })(token)).resolves.toEqual(partner);
  });

  it('rejects a token signed with another secret', async () => {
    const token = await mintToken(partner, { secret: `${secret}-other` });
    await expect(createJwtVerifier({ secret })(token)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('rejects a partner token without a partnerId', async () => {
    const token = await mintToken({ sub: 'u', role: 'partner' }, { secret });
    await expect(createJwtVerifier({ secret })(token)).rejects.toThrow(/partnerId/);
  });

  it('strips the Bearer prefix, as graphql-ws connectionParams keep it', () => {
    expect(bearerToken('Bearer abc')).toBe('abc');
    expect(bearerToken('abc')).toBe('abc');
    expect(bearerToken('Bearer ')).toBeUndefined();
  });
});

describe('gateway signature', () => {
  const body = '{"query":"{ partners { totalCount } }"}';

  it('round-trips the claims when body and signature match', () => {
    const headers = signGatewayRequest(secret, partner, body, 1000);
    expect(verifyGatewayRequest({ secret, body, headers: { ...headers }, nowSeconds: 1010 })).toEqual(partner);
  });

  it('refuses a changed body, forged claims, a stale timestamp and a missing signature', () => {
    const headers = { ...signGatewayRequest(secret, partner, body, 1000) };
    expect(() => verifyGatewayRequest({ secret, body: `${body} `, headers, nowSeconds: 1000 })).toThrow(/does not match/);
    const forged = { ...headers, 'x-hub-claims': Buffer.from(JSON.stringify({ ...partner, role: 'vendor_admin' })).toString('base64url') };
    expect(() => verifyGatewayRequest({ secret, body, headers: forged, nowSeconds: 1000 })).toThrow(/does not match/);
    expect(() => verifyGatewayRequest({ secret, body, headers, nowSeconds: 1000 + 301 })).toThrow(/expired/);
    expect(() => verifyGatewayRequest({ secret, body, headers: { ...headers, [SIGNATURE_HEADER]: undefined }, nowSeconds: 1000 })).toThrow(
      /gateway/,
    );
  });
});

describe('access rules', () => {
  it('lets a partner read only itself and staff read everyone', () => {
    expect(canReadPartner(partner, 'p1')).toBe(true);
    expect(canReadPartner(partner, 'p2')).toBe(false);
    expect(canReadPartner({ sub: 'a', role: 'bi' }, 'p2')).toBe(true);
    expect(() => requireRole({ sub: 'b', role: 'bi' }, ['vendor_admin'])).toThrow(/roles/);
  });
});

describe('subscription signature', () => {
  it('accepts the gateway-signed claims and refuses missing, forged or stale ones', async () => {
    const { signSubscription, verifySubscription, SUBSCRIPTION_AUTH_EXTENSION } = await import('./gateway-signature');
    const signed = signSubscription(secret, partner, 1000);
    expect(verifySubscription(secret, { [SUBSCRIPTION_AUTH_EXTENSION]: signed }, 1100)).toEqual(partner);
    expect(() => verifySubscription(secret, {}, 1000)).toThrow(/gateway/);
    expect(() => verifySubscription(`${secret}-x`, { [SUBSCRIPTION_AUTH_EXTENSION]: signed }, 1000)).toThrow(/does not match/);
    expect(() => verifySubscription(secret, { [SUBSCRIPTION_AUTH_EXTENSION]: signed }, 1400)).toThrow(/expired/);
    // An HTTP request signature is not a subscription signature.
    const httpSigned = signGatewayRequest(secret, partner, '{"query":"{ x }"}', 1000);
    expect(() => verifySubscription(secret, { [SUBSCRIPTION_AUTH_EXTENSION]: httpSigned }, 1000)).toThrow(/does not match/);
  });
});
