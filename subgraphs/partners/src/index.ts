import { auditCopies } from '@hub/contracts';
import { EventsPruner, OutboxRelay, startConsumer } from '@hub/events';
import type { SubgraphModule } from '@hub/graphql-kit';
import { buildPartnersSchema } from './graphql/schema';
import { seedDemoData } from './seeds/seed';
import { createPartnersServer, openPartnersDatabase } from './server';
import { loadEventsRetention } from './config';

export { buildPartnersSchema } from './graphql/schema';
export { seedDemoData, seedPrograms } from './seeds/seed';
export { createPartnersServer, createPartnersServices, openPartnersDatabase } from './server';
export { fixedClock, systemClock, type Clock } from '@hub/domain';
export { loadPartnersConfig } from './config';

export const partnersSubgraph: SubgraphModule = {
  name: 'partners',
  defaultPort: 4001,
  buildSchema: buildPartnersSchema,
  async seed(options) {
    const database = await openPartnersDatabase({ url: options.databaseUrl, sqliteFile: options.sqliteFile ?? '.data/partners.sqlite' });
    try {
      const loaded = await seedDemoData(database);
      return loaded.partners > 0
        ? `partners: loaded ${loaded.partners} demo partners and ${loaded.distributors} distributors`
        : 'partners: demo data already present, nothing loaded';
    } finally {
      await database.dataSource.destroy();
    }
  },
  async start(options) {
    const database = await openPartnersDatabase({ url: options.databaseUrl, sqliteFile: options.sqliteFile ?? '.data/partners.sqlite', timeouts: options.databaseTimeouts });
    if (options.seedDemoData) await seedDemoData(database);
    // Partner events leave through the outbox; the relay publishes them to the bus.
    const relay = new OutboxRelay({ database, bus: options.bus });
    relay.start();
    // Published rows and processed ids past their retention go, in small batches (both modes read the retention variables).
    const pruner = new EventsPruner({ database, ...loadEventsRetention() });
    pruner.start();
    // Partners keeps the audit trail of the whole hub: the other subgraphs' rows arrive as events.
    const auditTrail = await startConsumer(auditCopies, { database, bus: options.bus });
    const server = await createPartnersServer({ database, gatewaySecret: options.gatewaySecret, bus: options.bus });
    const running = await server.listen(options.port, options.host);
    return {
      name: 'partners',
      url: running.url,
      close: async () => {
        await running.close();
        await auditTrail.stop();
        await pruner.stop();
        await relay.stop();
        await database.dataSource.destroy();
      },
    };
  },
};
