import { createPubSub } from '@graphql-yoga/subscription';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '@hub/testing';
import { redisWakeUps, type RedisWakeUps } from './redis-wake-ups';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A redis:// URL nothing listens on: Redis as a process sees it while it is down. */
const unreachableRedis = async () => `redis://127.0.0.1:${await freePort()}`;

const settle = () => new Promise((resolve) => setTimeout(resolve, 200));

describe('deal feed wake-ups over Redis pub/sub', () => {
  const opened: RedisWakeUps[] = [];
  afterEach(() => {
    for (const wakeUps of opened.splice(0)) wakeUps.close();
  });

  it('carries a wake-up from one instance to another', async () => {
    const channel = `deal-feed-advanced-${Date.now()}-${Math.random()}`;
    const [a, b] = [redisWakeUps(REDIS_URL, () => undefined), redisWakeUps(REDIS_URL, () => undefined)];
    opened.push(a, b);
    const listening = createPubSub<Record<string, [number]>>({ eventTarget: b.eventTarget as never }).subscribe(channel)[Symbol.asyncIterator]();
    const received = listening.next();
    // The subscription reaches Redis asynchronously; keep waking until one arrives.
    const sending = setInterval(() => createPubSub<Record<string, [number]>>({ eventTarget: a.eventTarget as never }).publish(channel, 42), 50);
    try {
      expect((await received).value).toBe(42);
    } finally {
      clearInterval(sending);
      await listening.return?.();
    }
  });

  it('drops wake-ups while Redis is down, reporting the outage once and never as an unhandled rejection', async () => {
    const dropped: unknown[] = [];
    const wakeUps = redisWakeUps(await unreachableRedis(), (error) => dropped.push(error));
    opened.push(wakeUps);
    const pubSub = createPubSub<{ 'deal-feed-advanced': [number] }>({ eventTarget: wakeUps.eventTarget as never });
    for (let i = 0; i < 5; i += 1) pubSub.publish('deal-feed-advanced', i);
    await settle();
    expect(dropped).toHaveLength(1);
    expect(dropped[0]).toBeInstanceOf(Error);
  });
});
