import { backoffDelay, defaultRetry, type BackoffPolicy } from './backoff';
import type { ConsumeOptions, EventBus, EventHandler, GroupLag, Subscription } from './bus';
import type { DomainEvent } from './envelope';
import { consoleLogger, type EventsLogger } from './logger';
import { PollingLoop, type NextRound } from './polling-loop';

export interface InProcessBusOptions {
  /** Events retained for groups that subscribe late or fall behind; the oldest go first. */
  maxLength?: number;
  retry?: BackoffPolicy;
  logger?: EventsLogger;
}

/**
 * The bus of the embedded mode: one ordered in-memory log, and one offset per consumer group,
 * the same contract as Redis Streams within a single process. A group starts at the oldest
 * retained event, moves past an event only once its handler succeeded, and keeps its offset
 * across stop and consume, so a consumer that was stopped catches up. One consumer per group
 * at a time: a single process has no one to share a group's work with.
 */
export class InProcessBus implements EventBus {
  private readonly log: DomainEvent[] = [];
  /** Position of `log[0]` since the bus started; grows as old events are trimmed. */
  private base = 0;
  private readonly offsets = new Map<string, number>();
  private readonly subscriptions = new Map<string, Subscription>();
  /** One per subscribed group, woken by each publish. */
  private readonly loops = new Set<PollingLoop>();
  private closed = false;
  private readonly maxLength: number;
  private readonly retry: BackoffPolicy;
  private readonly logger: EventsLogger;

  constructor(options: InProcessBusOptions = {}) {
    this.maxLength = options.maxLength ?? 100_000;
    this.retry = options.retry ?? defaultRetry;
    this.logger = options.logger ?? consoleLogger;
  }

  async publish(events: DomainEvent[]): Promise<void> {
    if (this.closed) throw new Error('the in-process bus is closed');
    // A JSON copy, as Redis would carry it: no consumer shares objects with the publisher.
    for (const event of events) this.log.push(JSON.parse(JSON.stringify(event)) as DomainEvent);
    const excess = this.log.length - this.maxLength;
    if (excess > 0) {
      this.log.splice(0, excess);
      this.base += excess;
    }
    for (const loop of this.loops) loop.wake();
  }

  async consume(group: string, handler: EventHandler, options: ConsumeOptions = {}): Promise<Subscription> {
    if (this.closed) throw new Error('the in-process bus is closed');
    if (this.subscriptions.has(group)) throw new Error(`group ${group} already has a consumer on this in-process bus`);
    if (!this.offsets.has(group)) this.offsets.set(group, this.base);
    const retry = options.retry ?? this.retry;
    // A publish wakes the group at once; the long interval only bounds a wait nothing woke.
    const loop = new PollingLoop({ intervalMs: 60_000, round: this.roundOf(group, handler, retry), onError: (error) => this.logger.error(`consumer ${group} failed`, error) });
    this.loops.add(loop);
    loop.start();
    const subscription: Subscription = {
      stop: async () => {
        await loop.stop();
        this.loops.delete(loop);
        if (this.subscriptions.get(group) === subscription) this.subscriptions.delete(group);
      },
    };
    this.subscriptions.set(group, subscription);
    return subscription;
  }

  /** Each group's unread events: the head of the log less the group's position. */
  async groupLag(): Promise<GroupLag[]> {
    const head = this.base + this.log.length;
    return [...this.offsets].map(([group, offset]) => ({ group, lag: head - offset, pending: 0 }));
  }

  async retireGroup(group: string): Promise<boolean> {
    if (this.subscriptions.has(group)) throw new Error(`consumer group ${group} is still being read`);
    return this.offsets.delete(group);
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.subscriptions.values()].map((subscription) => subscription.stop()));
  }

  /**
   * One step of a group: past what was trimmed before it read it, or its next event to its
   * handler (`now` again after either); `idle` when it has read everything; a failed handler is
   * retried, the same event, after a backoff.
   */
  private roundOf(group: string, handler: EventHandler, retry: BackoffPolicy): () => Promise<NextRound> {
    let failures = 0;
    return async () => {
      const offset = this.offsets.get(group)!;
      if (offset < this.base) {
        this.logger.error(`consumer ${group} fell behind: ${this.base - offset} events were trimmed before it read them`);
        this.offsets.set(group, this.base);
        return 'now';
      }
      const event = this.log[offset - this.base];
      if (!event) return 'idle';
      try {
        await handler(structuredClone(event));
        this.offsets.set(group, offset + 1);
        failures = 0;
        return 'now';
      } catch (error) {
        failures += 1;
        const delay = backoffDelay(failures, retry, Math.random());
        this.logger.error(`consumer ${group}: ${event.type} ${event.id} failed (attempt ${failures}); retrying in ${delay} ms`, error);
        return { pauseMs: delay };
      }
    };
  }
}
