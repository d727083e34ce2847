import { Redis, type RedisOptions } from 'ioredis';

/**
 * A connection for the bus. The bus retries on its own terms (the relay's next tick, the
 * consumer's loop), so ioredis must not queue commands while disconnected, nor replay them
 * after reconnecting: a replayed XADD would publish a batch whose outbox transaction had
 * already rolled back. It still reconnects by itself, forever, until closed.
 */
export function openRedis(target: string | RedisOptions, extra: RedisOptions = {}): Redis {
  const options: RedisOptions = {
    ...(typeof target === 'string' ? {} : target),
    ...extra,
    // Never give up: a connection that stopped reconnecting would leave its loop waiting forever.
    retryStrategy: (times) => Math.min(times * 100, 2_000),
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
  };
  const redis = typeof target === 'string' ? new Redis(target, options) : new Redis(options);
  // Without a listener ioredis prints every failed reconnect; the bus reports outages once instead.
  redis.on('error', () => undefined);
  return redis;
}

/** Waits until the connection is ready; false after `ms`, when `signal` aborts, or if it was closed for good. */
export function whenReady(redis: Redis, ms: number, signal?: AbortSignal): Promise<boolean> {
  if (redis.status === 'ready') return Promise.resolve(true);
  if (redis.status === 'end' || signal?.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const finish = (ready: boolean) => {
      clearTimeout(timer);
      redis.off('ready', onReady);
      signal?.removeEventListener('abort', onAbort);
      resolve(ready);
    };
    const onReady = () => finish(true);
    const onAbort = () => finish(false);
    const timer = setTimeout(() => finish(redis.status === 'ready'), ms);
    redis.on('ready', onReady);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Closes politely when connected, at once otherwise. */
export async function closeRedis(redis: Redis): Promise<void> {
  if (redis.status === 'ready') {
    try {
      await redis.quit();
      return;
    } catch {
      // fall through: the connection went away while quitting
    }
  }
  redis.disconnect();
}

export class BusUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BusUnavailableError';
  }
}
