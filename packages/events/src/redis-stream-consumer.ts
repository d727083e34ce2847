import type { Redis } from 'ioredis';
import { backoffDelay, type BackoffPolicy } from './backoff';
import type { EventHandler } from './bus';
import type { EventsLogger } from './logger';
import { OutageLog } from './outage-log';
import { whenReady } from './redis-connection';
import { entriesOfReadReply, parseAutoclaimReply, parseStreamFields, type StreamEntry } from './stream-entry';
import { sleep } from './timers';

export interface StreamConsumerSettings {
  streamKey: string;
  group: string;
  consumer: string;
  batchSize: number;
  blockMs: number;
  claimIdleMs: number;
  retry: BackoffPolicy;
  logger: EventsLogger;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * One consumer of one group, on its own connection (XREADGROUP BLOCK holds the connection).
 * Each round it reads from one source, in this order of preference:
 *   1. its own pending entries (`XREADGROUP … 0`): on start, after a handler failed, after an
 *      outage — entries it was given but never acknowledged;
 *   2. entries other consumers left pending longer than `claimIdleMs` (`XAUTOCLAIM`), on start
 *      and then every `claimIdleMs`: those consumers crashed or hang;
 *   3. new entries (`XREADGROUP … >`), blocking up to `blockMs`.
 * It handles entries in order and acknowledges each only after its handler succeeded. When a
 * handler fails it stops the batch, backs off, and starts again from its own pending entries,
 * so the failed event is retried first and the group's order holds.
 */
export class StreamConsumer {
  private readonly controller = new AbortController();
  private readonly outage: OutageLog;
  private blocking = false;
  private running: Promise<void> | null = null;

  constructor(
    private readonly redis: Redis,
    private readonly settings: StreamConsumerSettings,
    private readonly handler: EventHandler,
  ) {
    this.outage = new OutageLog(settings.logger, `redis consumer ${settings.group}/${settings.consumer}`);
  }

  start(): void {
    this.running ??= this.run();
  }

  async stop(): Promise<void> {
    this.controller.abort();
    // A blocked read would hold the loop for up to blockMs. Whatever it was about to deliver
    // stays pending in the group and is redelivered, so cutting the connection loses nothing.
    if (this.blocking) this.redis.disconnect();
    await this.running;
    this.redis.disconnect();
  }

  private async run(): Promise<void> {
    const { signal } = this.controller;
    const { streamKey, group, consumer, batchSize, blockMs, claimIdleMs } = this.settings;
    let ownPendingFirst = true;
    let needGroup = true;
    let claimCursor = '0-0';
    let nextClaimAt = 0;
    let handlerFailures = 0;
    let outageAttempts = 0;

    while (!signal.aborted) {
      try {
        if (!(await whenReady(this.redis, 1_000, signal))) {
          if (!signal.aborted) this.outage.failed(new Error(`no connection to Redis (${this.redis.status})`));
          continue;
        }
        if (needGroup) {
          await this.ensureGroup();
          needGroup = false;
        }

        let entries: StreamEntry[];
        if (ownPendingFirst) {
          entries = entriesOfReadReply(await this.redis.xreadgroup('GROUP', group, consumer, 'COUNT', batchSize, 'STREAMS', streamKey, '0'));
          if (entries.length === 0) ownPendingFirst = false;
        } else if (Date.now() >= nextClaimAt) {
          const claimed = parseAutoclaimReply(await this.redis.xautoclaim(streamKey, group, consumer, claimIdleMs, claimCursor, 'COUNT', batchSize));
          claimCursor = claimed.nextCursor;
          if (claimCursor === '0-0') nextClaimAt = Date.now() + claimIdleMs;
          entries = claimed.entries;
        } else {
          const block = Math.max(1, Math.min(blockMs, nextClaimAt - Date.now()));
          // stop() cuts the connection only if it sees `blocking`; a stop that came while this
          // loop was between awaits must be noticed here, before the read starts.
          if (signal.aborted) break;
          this.blocking = true;
          try {
            entries = entriesOfReadReply(await this.redis.xreadgroup('GROUP', group, consumer, 'COUNT', batchSize, 'BLOCK', block, 'STREAMS', streamKey, '>'));
          } finally {
            this.blocking = false;
          }
        }
        this.outage.succeeded();
        outageAttempts = 0;

        const outcome = await this.handle(entries);
        if (outcome === 'failed') {
          handlerFailures += 1;
          ownPendingFirst = true;
          await sleep(backoffDelay(handlerFailures, this.settings.retry, Math.random()), signal);
        } else if (outcome === 'handled') {
          handlerFailures = 0;
        }
      } catch (error) {
        if (signal.aborted) break;
        // The group vanished with the stream: Redis restarted without persistence, or the key
        // was deleted. Recreate it from the start of whatever the stream now holds.
        if (errorMessage(error).startsWith('NOGROUP')) {
          needGroup = true;
          continue;
        }
        this.outage.failed(error);
        // A read may have been answered just before the connection dropped: those entries are
        // now ours, pending. Read them first once the connection is back. And Redis may come
        // back without the group (restarted without persistence): make sure it exists.
        ownPendingFirst = true;
        needGroup = true;
        outageAttempts += 1;
        await sleep(backoffDelay(outageAttempts, { initialMs: 100, maxMs: 2_000 }, Math.random()), signal);
      }
    }
  }

  private async ensureGroup(): Promise<void> {
    try {
      // From `0`, not `$`: a group created after events were published still gets all the
      // stream retains, so a new consumer can build its state from history.
      await this.redis.xgroup('CREATE', this.settings.streamKey, this.settings.group, '0', 'MKSTREAM');
    } catch (error) {
      if (!errorMessage(error).startsWith('BUSYGROUP')) throw error;
    }
  }

  /** 'failed' when a handler threw: the rest of the batch stays pending, to be read again in order. */
  private async handle(entries: StreamEntry[]): Promise<'none' | 'handled' | 'failed'> {
    const { streamKey, group, logger } = this.settings;
    let outcome: 'none' | 'handled' = 'none';
    for (const entry of entries) {
      if (this.controller.signal.aborted) break;
      if (entry.fields) {
        let event;
        try {
          event = parseStreamFields(entry.streamId, entry.fields);
        } catch (error) {
          // No retry can make an unreadable entry readable; leaving it pending would stop the group.
          logger.error(`consumer ${group}: acknowledging an entry it cannot read`, error);
        }
        if (event) {
          try {
            await this.handler(event);
          } catch (error) {
            logger.error(`consumer ${group}: ${event.type} ${event.id} failed; it will be retried`, error);
            return 'failed';
          }
          outcome = 'handled';
        }
      }
      // An entry without fields was trimmed from the stream while pending: nothing is left to handle.
      await this.redis.xack(streamKey, group, entry.streamId);
    }
    return outcome;
  }
}
