import { createRemoteJWKSet, jwtVerify, SignJWT, type JWTVerifyGetKey } from 'jose';
import { UnauthenticatedError } from '@hub/domain';
import { claimsFromPayload, type Claims } from './claims';

export interface JwtVerifierOptions {
  /** HS256 shared secret (development). */
  secret?: string;
  /** A JWKS endpoint (production); takes precedence over the secret. */
  jwksUrl?: string;
  issuer?: string;
  audience?: string;
}

export type JwtVerifier = (token: string) => Promise<Claims>;

export function createJwtVerifier(options: JwtVerifierOptions): JwtVerifier {
  const checks = {
    ...(options.issuer ? { issuer: options.issuer } : {}),
    ...(options.audience ? { audience: options.audience } : {}),
  };
  if (options.jwksUrl) {
    const keys: JWTVerifyGetKey = createRemoteJWKSet(new URL(options.jwksUrl));
    return async (token) => claimsFromPayload((await verifyOrReject(() => jwtVerify(token, keys, checks))).payload);
  }
  if (!options.secret) throw new Error('A JWT verifier needs a secret or a JWKS URL');
  const key = new TextEncoder().encode(options.secret);
  return async (token) =>
    claimsFromPayload((await verifyOrReject(() => jwtVerify(token, key, { ...checks, algorithms: ['HS256'] }))).payload);
}

async function verifyOrReject<T>(verify: () => Promise<T>): Promise<T> {
  try {
    return await verify();
  } catch (error) {
    throw new UnauthenticatedError(`invalid token: ${(error as Error).message}`);
  }
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
