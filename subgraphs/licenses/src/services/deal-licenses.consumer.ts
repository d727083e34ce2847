import { defineConsumer } from '@hub/contracts';
import type { LicensesService } from './licenses.service';

export const DEAL_LICENSES_CONSUMER = 'licenses.deal-licenses';

/**
 * Licences follow deals: a won deal issues one term licence per line, a reversed one revokes
 * them. Runs inside the consumer's transaction, once per event id.
 */
export function dealLicensesConsumer(licenses: LicensesService) {
  return defineConsumer(DEAL_LICENSES_CONSUMER, {
    'deal.won': {
      1: async (deal, _event, manager) => {
        await licenses.issueFromDeal(manager, deal);
      },
    },
    'deal.reversed': {
      1: async (deal, _event, manager) => {
        await licenses.revokeFromDeal(manager, deal.dealId, `deal ${deal.dealId} reversed${deal.reason ? `: ${deal.reason}` : ''}`);
      },
    },
  });
}
