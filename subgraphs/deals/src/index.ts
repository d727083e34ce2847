import type { SubgraphModule } from '@hub/graphql-kit';
import { buildDealsSchema } from './graphql/schema';
import { loadDealFeedSettings, loadEventsRetention, loadWebhookSecurity } from './config';
import { seedRegistrationPolicies } from './seeds/policies';
import { createDealsServer, openDealsDatabase } from './server';

export { buildDealsSchema } from './graphql/schema';
export { createDealsServer, openDealsDatabase } from './server';
export { adjustableClock, fixedClock, systemClock, type Clock } from '@hub/domain';
export type { DealEventPayload } from './services/deal-events';
export { renderWebhooksSchema, verifyWebhookSignature, webhookSignature, WEBHOOK_HEADERS } from './domain/webhooks';
export { loadDealsConfig } from './config';

export const dealsSubgraph: SubgraphModule = {
  name: 'deals',
  defaultPort: 4002,
  buildSchema: buildDealsSchema,
  async seed(options) {
    const database = await openDealsDatabase({ url: options.databaseUrl, sqliteFile: options.sqliteFile ?? '.data/deals.sqlite' });
    try {
      await database.transaction((manager) => seedRegistrationPolicies(manager));
      return 'deals: registration policies present (deals arrive through the API)';
    } finally {
      await database.dataSource.destroy();
    }
  },
  async start(options) {
    const database = await openDealsDatabase({ url: options.databaseUrl, sqliteFile: options.sqliteFile ?? '.data/deals.sqlite' });
    // Embedded, deals reads only its webhook and retention variables; the gateway's config owns ports and databases.
    const server = await createDealsServer({ database, bus: options.bus, gatewaySecret: options.gatewaySecret, webhooks: loadWebhookSecurity(), eventsRetention: loadEventsRetention(), dealFeed: loadDealFeedSettings() });
    const running = await server.start(options.port, options.host);
    return {
      name: 'deals',
      url: running.url,
      close: async () => {
        await running.close();
        await database.dataSource.destroy();
      },
    };
  },
};
