import { In } from 'typeorm';
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
  private readonly loop: PollingLoop;
  private stopListening: (() => void) | null = null;

  constructor(options: OutboxRelayOptions) {
    this.database = options.database;
    this.bus = options.bus;
    this.batchSize = options.batchSize ?? 100;
    this.intervalMs = options.intervalMs ?? 1_000;
    this.now = options.now ?? (() => new Date());
    this.outage = new OutageLog(options.logger ?? consoleLogger, 'outbox relay');
    this.loop = new PollingLoop({
      intervalMs: this.intervalMs,
      round: async () => {
        try {
          const relayed = await this.relayOnce();
          this.outage.succeeded();
          return relayed < this.batchSize ? 'idle' : 'now';
        } catch (error) {
          this.outage.failed(error);
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
