import { In, IsNull, MoreThan, MoreThanOrEqual, Not } from 'typeorm';
import { forUpdate, type Database } from '@hub/db';
import type { EventBus } from './bus';
import { consoleLogger, type EventsLogger } from './logger';
import { OutageLog } from './outage-log';
import { OutboxEntity } from './outbox.entity';
import { envelopeOf, OUTBOX_SIGNAL } from './record-event';
import { PollingLoop } from './polling-loop';

export interface OutboxRelayOptions {
  database: Database;
  bus: EventBus;
  /** Rows claimed, published and marked per transaction. */
  batchSize?: number;
  /** Polling interval when idle; `notify()` relays at once. */
  intervalMs?: number;
  logger?: EventsLogger;
  /** When rows are marked published. */
  now?: () => Date;
  /**
   * Whose outbox this is, naming its epoch on the bus (see `checkStream`); relays of one
   * subgraph share it. Default: the `source` of the outbox's newest row.
   */
  owner?: string;
  /** How often, at most, the relay asks whether the bus restarted empty (default 5 s; at once after an outage). */
  streamCheckMs?: number;
}

/**
 * Moves events from a subgraph's outbox to the bus. Each batch is one transaction: claim the
 * oldest unpublished rows, publish them, mark them published, commit. If publishing fails the
 * transaction rolls back and the rows wait for the next attempt.
 *
 * On MySQL/MariaDB the claim is `SELECT … FOR UPDATE SKIP LOCKED`: relays in other processes
 * skip rows this one holds instead of waiting for them or publishing them again, so several
 * relays share a backlog without duplicates. (A commit that fails after a successful publish
 * would still publish those rows again: delivery is at least once, and consumers dedupe.) The
 * embedded SQLite database has no row locks; there a single process relays alone.
 */
export class OutboxRelay {
  private readonly database: Database;
  private readonly bus: EventBus;
  private readonly batchSize: number;
  private readonly intervalMs: number;
  private readonly now: () => Date;
  private readonly outage: OutageLog;
  private readonly logger: EventsLogger;
  private readonly loop: PollingLoop;
  private stopListening: (() => void) | null = null;
  private owner: string | undefined;
  private readonly streamCheckMs: number;
  private nextStreamCheckAt = 0;
  /** The bus epoch this relay last saw; a new one means the bus restarted empty. */
  private epoch: string | undefined;
  /**
   * Where a replay starts: every row before it had been published, read and acknowledged by
   * every consumer group when last checked, so a bus that restarts empty loses none of them.
   * Until the first such check, the start of the outbox: the replay then covers every row still
   * kept (OUTBOX_RETENTION).
   */
  private replayFrom: { id: string; inclusive: boolean } | null = null;

  constructor(options: OutboxRelayOptions) {
    this.database = options.database;
    this.bus = options.bus;
    this.batchSize = options.batchSize ?? 100;
    this.intervalMs = options.intervalMs ?? 1_000;
    this.now = options.now ?? (() => new Date());
    this.owner = options.owner;
    this.streamCheckMs = options.streamCheckMs ?? 5_000;
    this.logger = options.logger ?? consoleLogger;
    this.outage = new OutageLog(this.logger, 'outbox relay');
    this.loop = new PollingLoop({
      intervalMs: this.intervalMs,
      round: async () => {
        try {
          // Before new rows, so a consumer meets the replayed events before the ones after them.
          await this.checkStream();
          const relayed = await this.relayOnce();
          this.outage.succeeded();
          return relayed < this.batchSize ? 'idle' : 'now';
        } catch (error) {
          this.outage.failed(error);
          // A Redis that was down may have come back empty: look as soon as it answers.
          this.nextStreamCheckAt = 0;
          // Commits keep notifying during an outage; retrying on each would hammer a bus that is down.
          return { pauseMs: this.intervalMs };
        }
      },
      onError: (error) => this.outage.failed(error),
    });
  }

  /** Relays one batch; returns how many events it published. Throws when publishing failed. */
  relayOnce(): Promise<number> {
    return this.database.transaction(async (manager) => {
      const claim = manager
        .getRepository(OutboxEntity)
        .createQueryBuilder('outbox')
        .where('outbox.publishedAt IS NULL')
        .orderBy('outbox.id', 'ASC')
        .limit(this.batchSize);
      const rows = await forUpdate(claim, this.database.dialect, { skipLocked: true }).getMany();
      if (rows.length === 0) return 0;
      await this.bus.publish(rows.map(envelopeOf));
      await manager.update(OutboxEntity, { id: In(rows.map((row) => row.id)) }, { publishedAt: this.now() });
      return rows.length;
    });
  }

  /**
   * Published rows are kept for OUTBOX_RETENTION, so a bus that lost its events (Redis restarted
   * without persistence, the stream deleted) can be fed again. At most every `streamCheckMs`
   * this asks the bus for the outbox's epoch, a key kept beside the stream and started again by
   * the first publish or look after it vanished: when it changed since the last look, every
   * published row from `replayFrom` on is published again, oldest first. Consumers apply each event once (processed_event), so the
   * rows they had already handled are skipped; their groups recreate themselves from the start
   * of the new stream. Returns how many rows were published again.
   */
  async checkStream(): Promise<number> {
    if (!this.bus.epoch || Date.now() < this.nextStreamCheckAt) return 0;
    this.nextStreamCheckAt = Date.now() + this.streamCheckMs;
    const owner = (this.owner ??= await this.newestSource());
    if (owner === undefined) return 0;
    // Read before asking the groups, so a row published after these reads is not counted as
    // consumed; a row another relay holds unpublished bounds it too.
    const repository = this.database.dataSource.getRepository(OutboxEntity);
    const [newest] = await repository.find({ select: { id: true }, order: { id: 'DESC' }, take: 1 });
    const [oldestUnpublished] = await repository.find({ select: { id: true }, where: { publishedAt: IsNull() }, order: { id: 'ASC' }, take: 1 });
    const epoch = await this.bus.epoch(owner);
    const seen = this.epoch;
    this.epoch = epoch.id;
    // Every publish starts its source's epoch when there is none, so finding none means nothing
    // of this outbox reached the bus since it was emptied — also when that happened while no
    // relay ran. An epoch other than the one seen last means another instance started it after
    // the bus was emptied. The first look of a process adopts an epoch it finds.
    if (epoch.created || (seen !== undefined && epoch.id !== seen)) return this.replay();
    const groups = await this.bus.groupLag();
    if (newest && groups.length > 0 && groups.every((group) => group.lag === 0 && group.pending === 0)) {
      this.replayFrom = oldestUnpublished ? { id: oldestUnpublished.id, inclusive: true } : { id: newest.id, inclusive: false };
    }
    return 0;
  }

  /** The bus epoch this relay saw last (for tests and logs). */
  get busEpoch(): string | undefined {
    return this.epoch;
  }

  private async replay(): Promise<number> {
    const repository = this.database.dataSource.getRepository(OutboxEntity);
    const from = this.replayFrom;
    let bound = from === null ? undefined : from.inclusive ? MoreThanOrEqual(from.id) : MoreThan(from.id);
    let total = 0;
    for (;;) {
      const rows = await repository.find({ where: { publishedAt: Not(IsNull()), ...(bound ? { id: bound } : {}) }, order: { id: 'ASC' }, take: this.batchSize });
      if (rows.length === 0) break;
      await this.bus.publish(rows.map(envelopeOf));
      total += rows.length;
      bound = MoreThan(rows[rows.length - 1]!.id);
    }
    const since = from === null ? 'still in the outbox' : `from ${from.id}`;
    this.logger.error(`outbox relay: the bus restarted empty (the ${this.owner} epoch changed); published again the ${total} kept events ${since}`);
    return total;
  }

  private async newestSource(): Promise<string | undefined> {
    const [row] = await this.database.dataSource.getRepository(OutboxEntity).find({ select: { id: true, source: true }, order: { id: 'DESC' }, take: 1 });
    return row?.source;
  }

  /**
   * Relays continuously until `stop()`: drains a backlog batch after batch, then polls. Every
   * transaction of this process that records events wakes it once committed, so they leave at
   * once; polling picks up what other processes wrote.
   */
  start(): void {
    if (this.stopListening) return;
    this.stopListening = this.database.onCommit((signals) => {
      if (signals.has(OUTBOX_SIGNAL)) this.notify();
    });
    this.loop.start();
  }

  /** Relay now rather than at the next poll (committed transactions of this process already do). */
  notify(): void {
    this.loop.wake();
  }

  /** Lets the batch in progress finish (commit or roll back), then stops. */
  async stop(): Promise<void> {
    this.stopListening?.();
    this.stopListening = null;
    await this.loop.stop();
  }
}
