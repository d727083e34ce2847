import type { EntityManager } from 'typeorm';
import { recordContractEvent } from '@hub/contracts';
import type { DealEntity } from '../entities/deal.entity';
import type { DealLineEntity } from '../entities/deal-line.entity';
import type { Clock } from '@hub/domain';
import { DEAL_EVENT_VERSION, dealEventPayload, dealEventType, type DealEventKind } from './deal-events';
import type { DealEventRecorder } from './deals.service';

export const DEALS_SOURCE = 'deals';

/** Writes deal events to the outbox and wakes the relay once the transaction has committed. */
export function outboxRecorder(clock: Clock, wakeRelay: () => void): DealEventRecorder {
  return {
    async record(manager: EntityManager, kind: DealEventKind, deal: DealEntity, lines: readonly DealLineEntity[]) {
      await recordContractEvent(
        manager,
        { type: dealEventType(kind), version: DEAL_EVENT_VERSION, source: DEALS_SOURCE, aggregateId: deal.id, payload: dealEventPayload(kind, deal, lines) },
        clock.now(),
      );
    },
    committed: wakeRelay,
  };
}
