import type { Claims } from '@hub/auth';
import type { DealsLoaders } from '../loaders/deals.loaders';
import type { DealsService } from '../services/deals.service';
import type { LiveDeals } from '../services/live-deals';

export interface DealsContext {
  claims: Claims | null;
  loaders: DealsLoaders;
  deals: DealsService;
  live: LiveDeals;
}
