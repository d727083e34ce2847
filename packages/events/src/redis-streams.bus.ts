import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Redis, RedisOptions } from 'ioredis';
import { defaultRetry } from './backoff';
import type { BusEpoch, ConsumeOptions, EventBus, EventHandler, GroupLag, Subscription } from './bus';
import type { DomainEvent } from './envelope';
import { consoleLogger, type EventsLogger } from './logger';
import { BusUnavailableError, closeRedis, openRedis, whenReady } from './redis-connection';
import { StreamConsumer } from './redis-stream-consumer';
import { toStreamFields } from './stream-entry';

export interface RedisStreamsBusOptions {
  /** `redis://host:port` or ioredis options. */
  redis: string | RedisOptions;
  /** One stream carries every event type; each consumer group filters what it needs. */
  streamKey?: string;
  /**
   * Approximate cap on the stream's length (`XADD MAXLEN ~`), so Redis memory stays bounded.
   * It is also how far back a late or long-stopped consumer can catch up; `null` keeps everything.
   */
  maxLength?: number | null;
  /** How long `publish` waits for a connection before failing (the relay then retries later). */
  readyTimeoutMs?: number;
  /** A publish not answered within this is failed; the relay's transaction then rolls back. */
  commandTimeoutMs?: number;
  /** Defaults for every `consume` on this bus. */
  consume?: ConsumeOptions;
  logger?: EventsLogger;
}

export const DEFAULT_STREAM_KEY = 'hub:events';

/**
 * Redis Streams behind the EventBus interface: XADD to one stream, one consumer group per
 * consumer name, XACK only after the handler succeeded, and pending entries redelivered (see
 * StreamConsumer). Survives Redis going away: publishes fail fast while it is gone, consumers
 * wait and resume.
 */
export class RedisStreamsBus implements EventBus {
  readonly streamKey: string;
  private readonly publisher: Redis;
  private readonly subscriptions = new Set<Subscription>();
  private readonly maxLength: number | null;
  private readonly readyTimeoutMs: number;
  private readonly logger: EventsLogger;
  private closed = false;
  private consumers = 0;

  constructor(private readonly options: RedisStreamsBusOptions) {
    this.streamKey = options.streamKey ?? DEFAULT_STREAM_KEY;
    this.maxLength = options.maxLength === undefined ? 1_000_000 : options.maxLength;
    this.readyTimeoutMs = options.readyTimeoutMs ?? 2_000;
    this.logger = options.logger ?? consoleLogger;
    this.publisher = openRedis(options.redis, { commandTimeout: options.commandTimeoutMs ?? 5_000 });
  }

  /**
   * Every group of the stream with its lag and pending count (`XINFO GROUPS`). Redis reports no
   * lag when it cannot count it (entries deleted inside the group's range); that is NaN here.
   */
  async groupLag(): Promise<GroupLag[]> {
    await this.ready();
    let groups: unknown[];
    try {
      groups = (await this.publisher.call('XINFO', 'GROUPS', this.streamKey)) as unknown[];
    } catch (error) {
      if (await this.streamMissing()) return [];
      throw error;
    }
    return groups.map((entry) => {
      const fields = entry as unknown[];
      const field = (name: string) => fields[fields.indexOf(name) + 1];
      const lag = field('lag');
      return { group: String(field('name')), lag: lag === null || lag === undefined ? Number.NaN : Number(lag), pending: Number(field('pending') ?? 0) };
    });
  }

  async retireGroup(group: string): Promise<boolean> {
    await this.ready();
    try {
      return Number(await this.publisher.call('XGROUP', 'DESTROY', this.streamKey, group)) === 1;
    } catch (error) {
      if (await this.streamMissing()) return false;
      throw error;
    }
  }

  /** The key of `owner`'s epoch, beside the stream: a Redis that loses the stream loses it too. */
  epochKey(owner: string): string {
    return `${this.streamKey}:epoch:${owner}`;
  }

  /**
   * The epoch of `owner` (an event source): started by the first publish of its events or by
   * this call (`SET NX`, `created`), whichever comes first after the key vanished.
   */
  async epoch(owner: string): Promise<BusEpoch> {
    await this.ready();
    const fresh = randomUUID();
    if ((await this.publisher.set(this.epochKey(owner), fresh, 'NX')) === 'OK') return { id: fresh, created: true };
    return { id: (await this.publisher.get(this.epochKey(owner))) ?? fresh, created: false };
  }

  /**
   * Whether a command failed because the stream is not there (a fresh or emptied Redis). Redis
   * words that error differently per command and version, so the key is checked instead.
   */
  private async streamMissing(): Promise<boolean> {
    return (await this.publisher.exists(this.streamKey)) === 0;
  }

  /** Waits for the publisher's connection: it queues nothing offline, so a command sent too soon fails. */
  private async ready(): Promise<void> {
    if (!(await whenReady(this.publisher, this.readyTimeoutMs))) throw new BusUnavailableError(`Redis is not reachable (connection ${this.publisher.status})`);
  }

  /** Adds the events in one MULTI/EXEC, so a batch lands whole or not at all. */
  async publish(events: DomainEvent[]): Promise<void> {
    if (this.closed) throw new Error('the Redis bus is closed');
    if (events.length === 0) return;
    if (!(await whenReady(this.publisher, this.readyTimeoutMs))) {
      throw new BusUnavailableError(`Redis is not reachable (connection ${this.publisher.status}); ${events.length} events not published`);
    }
    const transaction = this.publisher.multi();
    // The first batch after Redis restarted empty starts its sources' epochs with it, so a relay
    // sees the epoch change even when new events reached the stream before it looked (see epoch).
    for (const source of new Set(events.map((event) => event.source))) transaction.set(this.epochKey(source), randomUUID(), 'NX');
    for (const event of events) {
      if (this.maxLength === null) transaction.xadd(this.streamKey, '*', ...toStreamFields(event));
      else transaction.xadd(this.streamKey, 'MAXLEN', '~', this.maxLength, '*', ...toStreamFields(event));
    }
    const results = await transaction.exec();
    if (!results) throw new BusUnavailableError('the Redis transaction was discarded');
    const failure = results.find(([error]) => error);
    if (failure) throw failure[0];
  }

  async consume(group: string, handler: EventHandler, options: ConsumeOptions = {}): Promise<Subscription> {
    if (this.closed) throw new Error('the Redis bus is closed');
    const settings = { ...this.options.consume, ...options };
    const consumer = new StreamConsumer(
      // Its own connection: XREADGROUP BLOCK holds a connection until it returns. A silent
      // half-open socket is dropped once a read overstays its BLOCK by the margin.
      openRedis(this.options.redis, { socketTimeout: (settings.blockMs ?? 2_000) + 10_000 }),
      {
        streamKey: this.streamKey,
        group,
        consumer: settings.consumer ?? `${hostname()}-${process.pid}-${(this.consumers += 1)}`,
        batchSize: settings.batchSize ?? 100,
        blockMs: settings.blockMs ?? 2_000,
        claimIdleMs: settings.claimIdleMs ?? 30_000,
        retry: settings.retry ?? defaultRetry,
        logger: this.logger,
      },
      handler,
    );
    consumer.start();
    const subscription: Subscription = {
      stop: async () => {
        this.subscriptions.delete(subscription);
        await consumer.stop();
      },
    };
    this.subscriptions.add(subscription);
    return subscription;
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.subscriptions].map((subscription) => subscription.stop()));
    await closeRedis(this.publisher);
  }
}
