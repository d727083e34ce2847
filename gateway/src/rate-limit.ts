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
const REDIS_REST_MS = 1_000;

/**
 * Fixed-window counters from rate-limiter-flexible. With `redisUrl` the counters live in Redis,
 * so several gateways share one budget per caller; if Redis fails, each gateway falls back to
 * its own in-memory counters, a second at a time, rather than refusing or waving everyone
 * through. Without Redis (embedded) the counters are in memory.
 */
export function createRateLimiter(limits: RateLimits, redisUrl?: string): CallerRateLimiter {
  const redis = redisUrl
    ? new Redis(redisUrl, {
        lazyConnect: false,
        enableOfflineQueue: false,
        maxRetriesPerRequest: 1,
        // A Redis that hangs (stopped, partitioned) must not hang every request: past this the
        // count fails and memory answers.
        commandTimeout: COMMAND_TIMEOUT_MS,
        connectionName: 'hub-gateway-rate-limit',
      })
    : undefined;
  // A Redis outage must not crash the gateway; memory counts meanwhile.
  redis?.on('error', () => {});

  /** Until when counts go to memory without asking Redis, after Redis failed one. */
  let redisRestsUntil = 0;
  /**
   * Counts in Redis, or in memory while Redis cannot count: an error other than "over the limit"
   * is Redis failing (down, or past the command timeout), and then Redis is left alone for a
   * second, so a hung Redis costs one slow count a second rather than one per request.
   */
  const limiter = (name: string, limit: RateLimit): RateLimiterAbstract['consume'] => {
    const options = { keyPrefix: `${KEY_PREFIX}:${name}`, points: limit.points, duration: limit.durationSeconds };
    const memory = new RateLimiterMemory(options);
    if (!redis) return (id) => memory.consume(id);
    const shared = new RateLimiterRedis({ ...options, storeClient: redis, rejectIfRedisNotReady: true });
    return async (id) => {
      if (Date.now() < redisRestsUntil) return memory.consume(id);
      try {
        return await shared.consume(id);
      } catch (rejection) {
        if (rejection instanceof RateLimiterRes) throw rejection;
        redisRestsUntil = Date.now() + REDIS_REST_MS;
        return memory.consume(id);
      }
    };
  };

  const anonymous = limiter('address', limits.anonymous);
  const perCaller = limiter('caller', limits.perCaller);
  const perRole = new Map<Role, RateLimiterAbstract['consume']>(
    Object.entries(limits.perRole).map(([role, limit]) => [role as Role, limiter(`role:${role}`, limit)]),
  );

  return {
    async consume(key) {
      const [consume, id] = 'caller' in key ? [perRole.get(key.caller.role) ?? perCaller, `${key.caller.role}:${key.caller.sub}`] : [anonymous, key.address];
      try {
        await consume(id);
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
