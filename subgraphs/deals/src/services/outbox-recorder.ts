import type { EntityManager } from 'typeorm';
import { recordContractEvent } from '@hub/contracts';
import type { DealEntity } from '../entities/deal.entity';
import type { DealLineEntity } from '../entities/deal-line.entity';
import type { Clock } from '@hub/domain';
import { DEAL_EVENT_VERSION, dealEventPayload, dealEventType, type DealEventKind } from './deal-events';
import type { DealFeed } from './deal-feed';
import type { DealEventRecorder } from './deals.service';

export const DEALS_SOURCE = 'deals';

/**
 * Writes deal events to the outbox and to the deal feed, in the transaction of the change, and
 * says so once it has committed (the relay publishes, live subscribers hear of it).
 */
export function outboxRecorder(clock: Clock, feed: DealFeed, committed: () => void): DealEventRecorder {
  return {
    async record(manager: EntityManager, kind: DealEventKind, deal: DealEntity, lines: readonly DealLineEntity[]) {
      const event = await recordContractEvent(
        manager,
        { type: dealEventType(kind), version: DEAL_EVENT_VERSION, source: DEALS_SOURCE, aggregateId: deal.id, payload: dealEventPayload(kind, deal, lines) },
        clock.now(),
      );
      await feed.append(manager, event);
    },
    committed,
  };
}
