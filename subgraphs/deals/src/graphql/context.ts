import type DataLoader from 'dataloader';
import type { Claims } from '@hub/auth';
import type { ParkedEventsService } from '@hub/events';
import type { DealsLoaders } from '../loaders/deals.loaders';
import type { WebhookLoaders } from '../loaders/webhooks.loaders';
import type { DealsService } from '../services/deals.service';
import type { DealFeed } from '../services/deal-feed';
import type { LiveDeals } from '../services/live-deals';
import type { PartnerFacts } from '../services/partner-facts';
import type { PipelineFunnelService } from '../services/pipeline-funnel.service';
import type { WebhookDispatcher } from '../services/webhook-dispatcher';
import type { WebhooksService } from '../services/webhooks.service';

export interface DealsContext {
  claims: Claims | null;
  loaders: DealsLoaders & WebhookLoaders;
  deals: DealsService;
  live: LiveDeals;
  /** The deal feed `dealEvents` pages through. */
  dealFeed: DealFeed;
  webhooks: WebhooksService;
  /** Sends a delivery at once (testWebhook). */
  webhookDispatcher: Pick<WebhookDispatcher, 'deliverNow'>;
  /** What deals' consumers parked. */
  parked: ParkedEventsService;
  /** Program-level pipeline figures (BI). */
  pipelineFunnel: PipelineFunnelService;
  /** Deals' own copy of partner facts, for the partner fields deals answers itself. */
  partnerFacts: DataLoader<string, PartnerFacts | null>;
}
