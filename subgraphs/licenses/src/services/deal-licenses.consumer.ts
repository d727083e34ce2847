import type { EntityManager } from 'typeorm';
import type { DomainEvent } from '@hub/events';
import type { LicensesService, WonDealFacts } from './licenses.service';

export const DEAL_LICENSES_CONSUMER = 'licenses.deal-licenses';
export const DEAL_LICENSE_EVENT_TYPES = ['deal.won', 'deal.reversed'];

/**
 * Licences follow deals: a won deal issues one term licence per line, a reversed one revokes
 * them. Runs inside the consumer's transaction, once per event id.
 */
export function applyDealEvent(licenses: LicensesService) {
  return async (event: DomainEvent, manager: EntityManager): Promise<void> => {
    const deal = event.payload as WonDealFacts & { reason: string | null };
    if (event.type === 'deal.won') await licenses.issueFromDeal(manager, deal);
    else if (event.type === 'deal.reversed') await licenses.revokeFromDeal(manager, deal.dealId, `deal ${deal.dealId} reversed${deal.reason ? `: ${deal.reason}` : ''}`);
  };
}
