import { createRedisEventTarget } from '@graphql-yoga/redis-event-target';
import { Redis } from 'ioredis';

/** A wake-up not taken by then (a Redis that hangs) is dropped rather than held. */
const PUBLISH_TIMEOUT_MS = 1_000;

/** An event as the live pub/sub dispatches it: a topic and its detail. */
type WakeUpEvent = Event & { detail?: unknown };

export interface RedisWakeUps {
  /** For `createDealsServer`'s `liveEventTarget`. */
  eventTarget: Pick<EventTarget, 'addEventListener' | 'removeEventListener'> & { dispatchEvent(event: WakeUpEvent): boolean };
  close(): void;
}

/**
 * "The deal feed has advanced", shared between deals instances over Redis pub/sub.
 *
 * A wake-up Redis cannot take (down, restarting, hung) is dropped, and `onDropped` is told of
 * the first one dropped after one went through (once per outage): every instance also polls the
 * feed, so a dropped one costs a subscriber at most a poll interval. It must never be an
 * unhandled rejection, which ends the process, and the library's target publishes without
 * looking at the result, so publishing is done here, on a connection that fails at once while
 * disconnected instead of queueing and gives up on a Redis that hangs. Subscribing, and
 * subscribing again after a reconnect, is the library's, on a connection that waits for Redis
 * however long it is away.
 */
export function redisWakeUps(redisUrl: string, onDropped: (error: unknown) => void): RedisWakeUps {
  const retryStrategy = (times: number) => Math.min(times * 100, 2_000);
  const publishClient = new Redis(redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 0, commandTimeout: PUBLISH_TIMEOUT_MS, retryStrategy });
  const subscribeClient = new Redis(redisUrl, { maxRetriesPerRequest: null, retryStrategy });
  // Without listeners ioredis prints every failed reconnect; dropped wake-ups are reported instead.
  publishClient.on('error', () => undefined);
  subscribeClient.on('error', () => undefined);
  const target = createRedisEventTarget({ publishClient, subscribeClient });
  /** Whether the last wake-up was dropped: an outage is reported once, at its first drop. */
  let dropping = false;
  return {
    eventTarget: {
      addEventListener: target.addEventListener.bind(target),
      removeEventListener: target.removeEventListener.bind(target),
      dispatchEvent: (event) => {
        publishClient.publish(event.type, event.detail === undefined ? '' : JSON.stringify(event.detail)).then(
          () => {
            dropping = false;
          },
          (error: unknown) => {
            if (!dropping) onDropped(error);
            dropping = true;
          },
        );
        return true;
      },
    },
    close: () => {
      publishClient.disconnect();
      subscribeClient.disconnect();
    },
  };
}
