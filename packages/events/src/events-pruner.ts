import type { Database } from '@hub/db';
import { consoleLogger, type EventsLogger } from './logger';
import { OutageLog } from './outage-log';
import { OutboxEntity } from './outbox.entity';
import { ParkedEventEntity } from './parked-event.entity';
import { PollingLoop } from './polling-loop';
import { ProcessedEventEntity } from './processed-event.entity';

const DAY_MS = 24 * 60 * 60 * 1000;

export const DEFAULT_OUTBOX_RETENTION_MS = 7 * DAY_MS;
export const DEFAULT_PROCESSED_EVENT_RETENTION_MS = 30 * DAY_MS;

export interface EventsPrunerOptions {
  database: Database;
  /** How long a published outbox row is kept (so a stream that lost it can be fed again from the outbox). */
  outboxRetentionMs?: number;
  /**
   * How long a consumer remembers it handled an event, and how long a retried parked event is
   * kept for staff to look at. It must exceed how late the bus can deliver an event again: see
   * `checkRetentions`.
   */
  processedEventRetentionMs?: number;
  /** Rows deleted per statement; each statement is its own short transaction. */
  batchSize?: number;
  /** Time between sweeps once nothing is left to delete. */
  intervalMs?: number;
  logger?: EventsLogger;
  now?: () => Date;
}

/** The retentions a subgraph's config gives its pruner. */
export type EventsRetention = Pick<EventsPrunerOptions, 'outboxRetentionMs' | 'processedEventRetentionMs'>;

/** Rows one call deleted, per table. */
export interface PrunedCounts {
  outbox: number;
  processedEvents: number;
  parkedEvents: number;
}

/**
 * Refuses a processed-event retention that is not longer than the outbox's. A consumer skips a
 * redelivered event only while its processed_event row exists; events are delivered again by
 * the bus (pending entries reclaimed, a consumer group created afresh reads the stream from its
 * start, so as far back as the Redis stream keeps entries) and by a replay from the outbox after
 * Redis lost its data (as far back as the outbox keeps published rows). Were the ids forgotten
 * first, such an event would be applied twice. The processed retention must therefore exceed both
 * the outbox retention of every subgraph it consumes from and the age of the oldest entry the
 * stream keeps; this check can only see the first.
 */
export function checkRetentions(outboxRetentionMs: number, processedEventRetentionMs: number): string | null {
  if (processedEventRetentionMs <= outboxRetentionMs) {
    return 'the processed-event retention must be longer than the outbox retention, or an event replayed from the outbox could be applied twice';
  }
  return null;
}

/**
 * Deletes what the events tables no longer need: published outbox rows older than the outbox
 * retention, processed-event ids and retried parked events older than the processed retention.
 * Never an unpublished outbox row, nor a parked event still waiting for its retry.
 *
 * Each batch first reads the ids to delete (a plain read, no locks; MySQL refuses LIMIT inside
 * an IN subquery anyway) and then deletes them by primary key in one statement, so a batch locks
 * only its own rows, briefly, and the relay and consumers writing beside it never wait long.
 * Deleting by id is idempotent, so two instances pruning at once do no harm.
 */
export class EventsPruner {
  private readonly database: Database;
  private readonly outboxRetentionMs: number;
  private readonly processedEventRetentionMs: number;
  private readonly batchSize: number;
  private readonly now: () => Date;
  private readonly outage: OutageLog;
  private readonly loop: PollingLoop;

  constructor(options: EventsPrunerOptions) {
    this.database = options.database;
    this.outboxRetentionMs = options.outboxRetentionMs ?? DEFAULT_OUTBOX_RETENTION_MS;
    this.processedEventRetentionMs = options.processedEventRetentionMs ?? DEFAULT_PROCESSED_EVENT_RETENTION_MS;
    const problem = checkRetentions(this.outboxRetentionMs, this.processedEventRetentionMs);
    if (problem) throw new Error(problem);
    this.batchSize = options.batchSize ?? 500;
    this.now = options.now ?? (() => new Date());
    this.outage = new OutageLog(options.logger ?? consoleLogger, 'events pruner');
    const intervalMs = options.intervalMs ?? 10 * 60 * 1000;
    this.loop = new PollingLoop({
      intervalMs,
      // A process that restarts often would otherwise sweep at each start; the first sweep can wait.
      firstRoundAfterInterval: true,
      round: async () => {
        const pruned = await this.pruneBatch();
        this.outage.succeeded();
        // A full batch in any table means more may be left: go again at once (each batch is its own transaction).
        const full = Math.max(pruned.outbox, pruned.processedEvents, pruned.parkedEvents) >= this.batchSize;
        return full ? 'now' : 'idle';
      },
      onError: (error) => this.outage.failed(error),
    });
  }

  /** One batch from each table; returns how many rows each lost. */
  async pruneBatch(): Promise<PrunedCounts> {
    const now = this.now().getTime();
    const outboxBefore = new Date(now - this.outboxRetentionMs);
    const processedBefore = new Date(now - this.processedEventRetentionMs);
    return {
      outbox: await this.pruneOutbox(outboxBefore),
      processedEvents: await this.pruneProcessedEvents(processedBefore),
      parkedEvents: await this.pruneParkedEvents(processedBefore),
    };
  }

  /** Batch after batch until nothing older than the retentions is left; returns the totals. */
  async pruneAll(): Promise<PrunedCounts> {
    const total: PrunedCounts = { outbox: 0, processedEvents: 0, parkedEvents: 0 };
    for (;;) {
      const pruned = await this.pruneBatch();
      total.outbox += pruned.outbox;
      total.processedEvents += pruned.processedEvents;
      total.parkedEvents += pruned.parkedEvents;
      if (Math.max(pruned.outbox, pruned.processedEvents, pruned.parkedEvents) < this.batchSize) return total;
    }
  }

  start(): void {
    this.loop.start();
  }

  /** Lets the batch in progress finish, then stops. */
  stop(): Promise<void> {
    return this.loop.stop();
  }

  private async pruneOutbox(before: Date): Promise<number> {
    const manager = this.database.dataSource.manager;
    // `publishedAt < :before` leaves unpublished rows (NULL) out, and reads the (publishedAt, id) index the relay uses.
    const rows = await manager
      .createQueryBuilder(OutboxEntity, 'outbox')
      .select('outbox.id', 'id')
      .where('outbox.publishedAt < :before', { before })
      .orderBy('outbox.publishedAt', 'ASC')
      .addOrderBy('outbox.id', 'ASC')
      .limit(this.batchSize)
      .getRawMany<{ id: string }>();
    if (rows.length === 0) return 0;
    // The condition again: a row is deleted only if it is still published before the cutoff.
    const result = await manager
      .createQueryBuilder()
      .delete()
      .from(OutboxEntity)
      .where('id IN (:...ids)', { ids: rows.map((row) => row.id) })
      .andWhere('publishedAt < :before', { before })
      .execute();
    return result.affected ?? rows.length;
  }

  private async pruneProcessedEvents(before: Date): Promise<number> {
    const manager = this.database.dataSource.manager;
    // Reads the processedAt index (migration ProcessedEventAgeIndex).
    const rows = await manager
      .createQueryBuilder(ProcessedEventEntity, 'processed')
      .select(['processed.consumer', 'processed.eventId'])
      .where('processed.processedAt < :before', { before })
      .orderBy('processed.processedAt', 'ASC')
      .limit(this.batchSize)
      .getMany();
    if (rows.length === 0) return 0;
    const result = await manager
      .createQueryBuilder()
      .delete()
      .from(ProcessedEventEntity)
      .whereInIds(rows.map(({ consumer, eventId }) => ({ consumer, eventId })))
      .andWhere('processedAt < :before', { before })
      .execute();
    return result.affected ?? rows.length;
  }

  private async pruneParkedEvents(before: Date): Promise<number> {
    const manager = this.database.dataSource.manager;
    // Parked events are few (only events a consumer could not apply), so no index is kept for this.
    const rows = await manager
      .createQueryBuilder(ParkedEventEntity, 'parked')
      .select('parked.id', 'id')
      .where('parked.retriedAt < :before', { before })
      .orderBy('parked.id', 'ASC')
      .limit(this.batchSize)
      .getRawMany<{ id: string }>();
    if (rows.length === 0) return 0;
    const result = await manager
      .createQueryBuilder()
      .delete()
      .from(ParkedEventEntity)
      .where('id IN (:...ids)', { ids: rows.map((row) => row.id) })
      .andWhere('retriedAt < :before', { before })
      .execute();
    return result.affected ?? rows.length;
  }
}
