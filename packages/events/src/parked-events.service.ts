import { IsNull } from 'typeorm';
import { keysetPage, type Database, type KeysetPage } from '@hub/db';
import { DomainError, NotFoundError } from '@hub/domain';
import type { DomainEvent } from './envelope';
import { ParkedEventEntity } from './parked-event.entity';
import type { VersionedConsumer } from './versioned-consumer';

export interface ParkedEventFilter {
  /** true: only those still waiting for a retry; false: only retried ones. */
  pending?: boolean | null;
}

/**
 * One subgraph's parked events (each keeps its own, in its own database): list them, and retry
 * one once its consumer's handler or schema is fixed. Authorisation is the caller's (staff only).
 */
export class ParkedEventsService {
  private readonly consumers: ReadonlyMap<string, VersionedConsumer>;

  constructor(
    private readonly database: Database,
    consumers: readonly VersionedConsumer[],
    private readonly now: () => Date = () => new Date(),
  ) {
    this.consumers = new Map(consumers.map((consumer) => [consumer.name, consumer]));
  }

  /** Oldest first (ids are UUIDv7). */
  list(filter: ParkedEventFilter, page: { first: number; after?: string }): Promise<KeysetPage<ParkedEventEntity>> {
    const query = this.database.dataSource.manager.createQueryBuilder(ParkedEventEntity, 'parked');
    if (filter.pending === true) query.andWhere('parked.retriedAt IS NULL');
    if (filter.pending === false) query.andWhere('parked.retriedAt IS NOT NULL');
    return keysetPage(query, [{ column: 'parked.id', value: (row) => row.id }], page);
  }

  /**
   * Runs the parked event through its consumer's current handler, once: the row is claimed
   * (retriedAt set where it was null) in the transaction that applies the event, so two racing
   * retries apply it once. One that still fails changes nothing but the recorded reason.
   */
  async retry(id: string): Promise<ParkedEventEntity> {
    const now = this.now();
    try {
      return await this.database.transaction(async (manager) => {
        const parked = await manager.findOneBy(ParkedEventEntity, { id });
        if (!parked) throw new NotFoundError('ParkedEvent', id);
        const claimed = await manager.update(ParkedEventEntity, { id, retriedAt: IsNull() }, { retriedAt: now });
        if (!claimed.affected) throw new DomainError('EVENTS.ALREADY_RETRIED', `Parked event ${id} was retried already`, { id });
        const consumer = this.consumers.get(parked.consumer);
        if (!consumer) throw new DomainError('EVENTS.UNKNOWN_CONSUMER', `No consumer ${parked.consumer} runs in this subgraph`, { id, consumer: parked.consumer });
        const envelope: DomainEvent = JSON.parse(parked.envelope);
        const route = consumer.dispatch(envelope) ?? { ok: false, reason: `${parked.consumer} no longer handles ${parked.type}` };
        if (!route.ok) throw new DomainError('EVENTS.STILL_PARKED', route.reason, { id });
        await route.apply(manager);
        return { ...parked, retriedAt: now };
      });
    } catch (error) {
      // Kept for staff: why the latest attempt failed, not only the first.
      if (error instanceof DomainError && error.code === 'EVENTS.STILL_PARKED') await this.database.dataSource.manager.update(ParkedEventEntity, { id }, { reason: error.message });
      throw error;
    }
  }
}
