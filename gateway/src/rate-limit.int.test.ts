import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { OwnRedisServer } from '@hub/testing';
import { createRateLimiter } from './rate-limit';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const limits = { perCaller: { points: 3, durationSeconds: 60 }, perRole: {}, anonymous: { points: 2, durationSeconds: 60 } };

const countAllowed = async (limiter: ReturnType<typeof createRateLimiter>, caller: { sub: string; role: 'bi' }, attempts: number) => {
  let allowed = 0;
  for (let i = 0; i < attempts; i += 1) if ((await limiter.consume({ caller })) === undefined) allowed += 1;
  return allowed;
};

describe('rate limiter', () => {
  it('counts in Redis, so a second gateway sees the first one’s requests', async () => {
    const [a, b] = [createRateLimiter(limits, REDIS_URL), createRateLimiter(limits, REDIS_URL)];
    await Promise.all([a.ready(), b.ready()]);
    const caller = { sub: `shared-${randomUUID()}`, role: 'bi' as const };
    try {
      expect(await countAllowed(a, caller, 2)).toBe(2);
      expect(await countAllowed(b, caller, 5)).toBe(1);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('keeps limiting from memory while Redis cannot be reached, instead of failing requests or letting all through', async () => {
    // Nothing listens on port 1: every Redis command fails, as during an outage.
    const limiter = createRateLimiter(limits, 'redis://127.0.0.1:1');
    await limiter.ready();
    try {
      const caller = { sub: `outage-${randomUUID()}`, role: 'bi' as const };
      expect(await countAllowed(limiter, caller, 10)).toBe(3);
      expect(await limiter.consume({ address: '203.0.113.9' })).toBeUndefined();
    } finally {
      await limiter.close();
    }
  });

  it('answers from memory within the command timeout while a connected Redis hangs, and counts in Redis again when it answers', async () => {
    const redis = await OwnRedisServer.start();
    const limiter = createRateLimiter(limits, redis.url);
    try {
      await limiter.ready();
      const caller = { sub: `hung-${randomUUID()}`, role: 'bi' as const };
      expect(await limiter.consume({ caller })).toBeUndefined();
      redis.freeze();
      const started = performance.now();
      // Without a command timeout this waits as long as Redis is stopped.
      expect(await limiter.consume({ caller })).toBeUndefined();
      expect(performance.now() - started).toBeLessThan(2_000);
      // For a second after that, memory counts without waiting on Redis again.
      const next = performance.now();
      expect(await limiter.consume({ caller })).toBeUndefined();
      expect(performance.now() - next).toBeLessThan(100);
      redis.thaw();
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      // The timed-out count was already sent, so Redis applies it when it runs again: it holds 2
      // of the caller's 3, and the shared count goes on from there.
      expect(await countAllowed(limiter, caller, 5)).toBe(1);
    } finally {
      await limiter.close();
      await redis.remove();
    }
  });
});
