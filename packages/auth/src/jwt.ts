import { createRemoteJWKSet, jwtVerify, SignJWT, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { UnauthenticatedError } from '@hub/domain';
import { claimsFromPayload, type Claims } from './claims';

/** The longest token lifetime accepted when the verifier is not told otherwise. */
export const DEFAULT_MAX_TOKEN_TTL_SECONDS = 24 * 3600;

export interface JwtVerifierOptions {
  /** HS256 shared secret (development). */
  secret?: string;
  /** A JWKS endpoint (production); takes precedence over the secret, and needs issuer and audience. */
  jwksUrl?: string;
  issuer?: string;
  audience?: string;
  /** Tokens living longer than this (from issue, or from now without `iat`) are refused; default 24 h. */
  maxTtlSeconds?: number;
}

/** A verified token: who the caller is and when that stops being true. */
export interface VerifiedToken {
  claims: Claims;
  /** The token's `exp`: a connection authenticated by it must end then. */
  expiresAt: Date;
}

/**
 * Verifies a bearer token and returns its claims; `withExpiry` verifies the same way and also
 * returns when the token expires, for connections (graphql-ws, SSE) that outlive one request.
 */
export interface JwtVerifier {
  (token: string): Promise<Claims>;
  withExpiry(token: string): Promise<VerifiedToken>;
}

/**
 * A token's lifetime as it could be used: from its issue time, or from now when it has none or
 * claims to be issued in the future (which would otherwise stretch its life past the limit).
 */
export function tokenLifetimeSeconds(payload: Pick<JWTPayload, 'exp' | 'iat'>, nowSeconds: number): number | undefined {
  if (payload.exp === undefined) return undefined;
  return payload.exp - Math.min(payload.iat ?? nowSeconds, nowSeconds);
}

export function createJwtVerifier(options: JwtVerifierOptions): JwtVerifier {
  const maxTtlSeconds = options.maxTtlSeconds ?? DEFAULT_MAX_TOKEN_TTL_SECONDS;
  // A token without `exp` would be accepted forever; jose then refuses it as missing a claim.
  const checks = {
    requiredClaims: ['exp'],
    ...(options.issuer ? { issuer: options.issuer } : {}),
    ...(options.audience ? { audience: options.audience } : {}),
  };
  let verify: (token: string) => Promise<JWTPayload>;
  if (options.jwksUrl) {
    // An identity provider's keys sign tokens for other applications too.
    if (!options.issuer || !options.audience) throw new Error('A JWKS verifier needs an issuer and an audience');
    const keys: JWTVerifyGetKey = createRemoteJWKSet(new URL(options.jwksUrl));
    verify = async (token) => (await jwtVerify(token, keys, checks)).payload;
  } else {
    if (!options.secret) throw new Error('A JWT verifier needs a secret or a JWKS URL');
    // Imported once: given the raw bytes, jose imports the key again on every verification.
    const key = crypto.subtle.importKey('raw', new TextEncoder().encode(options.secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']);
    verify = async (token) => (await jwtVerify(token, await key, { ...checks, algorithms: ['HS256'] })).payload;
  }

  const withExpiry = async (token: string): Promise<VerifiedToken> => {
    let payload: JWTPayload;
    try {
      payload = await verify(token);
    } catch (error) {
      throw new UnauthenticatedError(`invalid token: ${(error as Error).message}`);
    }
    const lifetime = tokenLifetimeSeconds(payload, Math.floor(Date.now() / 1000));
    if (lifetime === undefined || lifetime > maxTtlSeconds) {
      throw new UnauthenticatedError(`invalid token: it lives longer than the ${maxTtlSeconds} s allowed`);
    }
    return { claims: claimsFromPayload(payload), expiresAt: new Date(payload.exp! * 1000) };
  };
  return Object.assign(async (token: string) => (await withExpiry(token)).claims, { withExpiry });
}

/** `Authorization: Bearer <jwt>` → `<jwt>`; also accepts the bare token (graphql-ws connectionParams). */
export function bearerToken(header: string | undefined | null): string | undefined {
  if (!header) return undefined;
  const token = header.trim().replace(/^bearer(\s+|$)/i, '');
  return token === '' ? undefined : token;
}

export interface MintOptions {
  secret: string;
  expiresIn?: string;
  issuer?: string;
  audience?: string;
}

/** Mints an HS256 token; for development, tests and the `pnpm token` CLI. */
export async function mintToken(claims: Claims, options: MintOptions): Promise<string> {
  const { sub, ...rest } = claims;
  let jwt = new SignJWT({ ...rest }).setProtectedHeader({ alg: 'HS256' }).setSubject(sub).setIssuedAt();
  jwt = jwt.setExpirationTime(options.expiresIn ?? '12h');
  if (options.issuer) jwt = jwt.setIssuer(options.issuer);
  if (options.audience) jwt = jwt.setAudience(options.audience);
  return jwt.sign(new TextEncoder().encode(options.secret));
}
