import type { Claims, JwtVerifier } from '@hub/auth';

/** A caller whose token verified: who they are, and when (ms since the epoch) the token expires. */
export interface VerifiedCaller {
  claims: Claims;
  expiresAt: number;
}

export interface VerifiedTokenCacheOptions {
  /** Most tokens remembered; the least recently used is forgotten first. */
  maxEntries?: number;
  /** How long a verification is reused, at most (never past the token's own expiry). */
  maxAgeMs?: number;
  now?: () => number;
}

export const DEFAULT_VERIFIED_TOKENS = 10_000;
export const DEFAULT_VERIFIED_TOKEN_AGE_MS = 30_000;

/**
 * Verifies bearer tokens, remembering each token that verified for a short while: a client
 * sends the same token with every request, and checking its signature and claims again costs
 * more than the rest of the gateway's own work on a small query. Only tokens that verified are
 * remembered (a flood of bad ones cannot fill the cache), a remembered token is never accepted
 * past its `exp`, and `maxAgeMs` bounds how long a change of keys or limits takes to apply.
 */
export function cachedTokenVerifier(verifier: JwtVerifier, options: VerifiedTokenCacheOptions = {}): (token: string) => Promise<VerifiedCaller> {
  const maxEntries = options.maxEntries ?? DEFAULT_VERIFIED_TOKENS;
  const maxAgeMs = options.maxAgeMs ?? DEFAULT_VERIFIED_TOKEN_AGE_MS;
  const now = options.now ?? Date.now;
  // A Map iterates in insertion order: re-inserting on use keeps the least recently used first.
  const remembered = new Map<string, VerifiedCaller & { reuseUntil: number }>();

  return async (token) => {
    const at = now();
    const hit = remembered.get(token);
    remembered.delete(token);
    if (hit && at < hit.reuseUntil) {
      remembered.set(token, hit);
      return { claims: hit.claims, expiresAt: hit.expiresAt };
    }
    const verified = await verifier.withExpiry(token);
    // Shared by every request that carries the token, so nobody may change it.
    const caller = { claims: Object.freeze(verified.claims), expiresAt: verified.expiresAt.getTime() };
    remembered.set(token, { ...caller, reuseUntil: Math.min(caller.expiresAt, at + maxAgeMs) });
    if (remembered.size > maxEntries) remembered.delete(remembered.keys().next().value!);
    return caller;
  };
}
