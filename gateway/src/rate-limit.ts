import { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Claims, Role } from '@hub/auth';
import type { RateLimit, RateLimits } from './edge-config';

/** Who a request is counted against: the token's subject, or the client address without one. */
export type RateLimitKey = { caller: Pick<Claims, 'sub' | 'role'> } | { address: string };

export interface CallerRateLimiter {
  /** Counts one request; resolves to the whole seconds to wait when over the limit, else undefined. */
  consume(key: RateLimitKey): Promise<number | undefined>;
  /** Waits (briefly) for the shared store, so the first requests are counted where all gateways see them. */
  ready(): Promise<void>;
  close(): Promise<void>;
}

const KEY_PREFIX = 'hub:rate';
const READY_WAIT_MS = 3_000;
const COMMAND_TIMEOUT_MS = 250;

/**
 * Fixed-window counters from rate-limiter-flexible. With `redisUrl` the counters live in Redis,
 * so several gateways share one budget per caller; if Redis fails, each gateway falls back to
 * its own in-memory counters (the insurance limiter) rather than refusing or waving everyone
 * through. Without Redis (embedded) the counters are in memory.
 */
export function createRateLimiter(limits: RateLimits, redisUrl?: string): CallerRateLimiter {
  const redis = redisUrl
    ? new Redis(redisUrl, {
        lazyConnect: false,
        enableOfflineQueue: false,
        maxRetriesPerRequest: 1,
        // A Redis that hangs (stopped, partitioned) must not hang every request: past this the
        // count fails and the insurance limiter answers.
        commandTimeout: COMMAND_TIMEOUT_MS,
        connectionName: 'hub-gateway-rate-limit',
      })
    : undefined;
  // A Redis outage must not crash the gateway; the insurance limiter takes over meanwhile.
  redis?.on('error', () => {});

  const limiter = (name: string, limit: RateLimit): RateLimiterAbstract => {
    const options = { keyPrefix: `${KEY_PREFIX}:${name}`, points: limit.points, duration: limit.durationSeconds };
    const memory = new RateLimiterMemory(options);
    return redis ? new RateLimiterRedis({ ...options, storeClient: redis, rejectIfRedisNotReady: true, insuranceLimiter: memory }) : memory;
  };

  const anonymous = limiter('address', limits.anonymous);
  const perCaller = limiter('caller', limits.perCaller);
  const perRole = new Map<Role, RateLimiterAbstract>(
    Object.entries(limits.perRole).map(([role, limit]) => [role as Role, limiter(`role:${role}`, limit)]),
  );

  return {
    async consume(key) {
      const [bucket, id] = 'caller' in key ? [perRole.get(key.caller.role) ?? perCaller, `${key.caller.role}:${key.caller.sub}`] : [anonymous, key.address];
      try {
        await bucket.consume(id);
        return undefined;
      } catch (rejection) {
        if (rejection instanceof RateLimiterRes) return Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
        throw rejection;
      }
    },
    async ready() {
      if (!redis || redis.status === 'ready') return;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, READY_WAIT_MS);
        redis.once('ready', () => {
          clearTimeout(timer);
          resolve();
        });
      });
    },
    async close() {
      redis?.disconnect();
    },
  };
}
