import { UnauthenticatedError } from '@hub/domain';

/**
 * Remembers the nonces of accepted gateway signatures for as long as those signatures could
 * still be accepted, so that each is accepted once.
 */
export interface NonceStore {
  /** Records `key` for `ttlSeconds`; false when it is already recorded (the request is a replay). */
  remember(key: string, ttlSeconds: number): Promise<boolean>;
}

/** The one ioredis call the Redis store makes (`SET key 1 EX ttl NX`), so this package needs no Redis client. */
export interface RedisSetIfAbsent {
  set(key: string, value: string, expiry: 'EX', seconds: number, condition: 'NX'): Promise<string | null>;
}

/** Shared by every instance of a subgraph, so a request replayed to another instance is refused too. */
export function redisNonceStore(redis: RedisSetIfAbsent, prefix = 'hub:gateway-nonce:'): NonceStore {
  return {
    remember: async (key, ttlSeconds) => (await redis.set(`${prefix}${key}`, '1', 'EX', Math.max(1, Math.ceil(ttlSeconds)), 'NX')) === 'OK',
  };
}

export interface MemoryNonceStoreOptions {
  /** Most nonces remembered at once (default 250,000: over 4,000 signed requests a second for a minute). */
  capacity?: number;
  now?: () => number;
}

/**
 * One process (the embedded hub, tests): a map from nonce to expiry. Full, it refuses new
 * signatures rather than forgetting live nonces, which would let their requests be replayed.
 */
export function memoryNonceStore(options: MemoryNonceStoreOptions = {}): NonceStore {
  const capacity = options.capacity ?? 250_000;
  const now = options.now ?? Date.now;
  const expiries = new Map<string, number>();
  const forgetExpired = (at: number, all: boolean) => {
    // Insertion order is nearly expiry order, so the expired ones are usually at the front.
    for (const [key, expiry] of expiries) {
      if (expiry <= at) expiries.delete(key);
      else if (!all) break;
    }
  };
  return {
    remember: async (key, ttlSeconds) => {
      const at = now();
      forgetExpired(at, false);
      if ((expiries.get(key) ?? 0) > at) return false;
      if (expiries.size >= capacity) forgetExpired(at, true);
      if (expiries.size >= capacity) throw new UnauthenticatedError('too many gateway requests within the signature window');
      expiries.delete(key);
      expiries.set(key, at + ttlSeconds * 1000);
      return true;
    },
  };
}

export interface NonceFallbackOptions {
  /** This process's store while the shared one cannot answer (default a memory store). */
  local?: NonceStore;
  /** Called on each check the shared store failed, with its error (log it; it may be called often). */
  onSharedFailure?: (error: unknown) => void;
  /**
   * After the shared store failed, how long it is not asked (default 1 s): a Redis that hangs
   * then costs one timed-out check per interval, not one per request.
   */
  sharedRetryAfterMs?: number;
  now?: () => number;
}

/**
 * The shared store while it answers, this process's memory while it does not: a Redis outage
 * then leaves the hub serving instead of refusing every gateway request. What is given up is
 * refusing some replays of a captured request within its 60 s: one accepted during the outage
 * and replayed to *another* instance, and one accepted just before the outage (known only to
 * the shared store) and replayed during it. A request accepted during the outage is still
 * refused by the instance that took it, and the signature, its subgraph binding and its time
 * window are checked as always.
 *
 * Nonces accepted locally are also checked locally until their window has passed, because the
 * shared store never saw them: a replay just after it returns would otherwise look fresh to it.
 */
export function sharedNonceStoreWithLocalFallback(shared: NonceStore, options: NonceFallbackOptions = {}): NonceStore {
  const local = options.local ?? memoryNonceStore();
  const now = options.now ?? Date.now;
  const retryAfterMs = options.sharedRetryAfterMs ?? 1_000;
  /** Until when nonces accepted locally could still be replayed; 0 while none were. */
  let localWindowEndsAt = 0;
  /** Until when the shared store is not asked, after it failed. */
  let sharedRestsUntil = 0;
  const acceptLocally = async (key: string, ttlSeconds: number, at: number, checkedLocally: boolean) => {
    localWindowEndsAt = Math.max(localWindowEndsAt, at + ttlSeconds * 1000);
    return checkedLocally || (await local.remember(key, ttlSeconds));
  };
  return {
    remember: async (key, ttlSeconds) => {
      const at = now();
      const checkedLocally = at < localWindowEndsAt;
      if (checkedLocally && !(await local.remember(key, ttlSeconds))) return false;
      if (at < sharedRestsUntil) return acceptLocally(key, ttlSeconds, at, checkedLocally);
      try {
        return await shared.remember(key, ttlSeconds);
      } catch (error) {
        options.onSharedFailure?.(error);
        sharedRestsUntil = now() + retryAfterMs;
        return acceptLocally(key, ttlSeconds, at, checkedLocally);
      }
    },
  };
}
