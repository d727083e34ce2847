import type { SubgraphModule } from '@hub/graphql-kit';
import { buildIncentivesSchema } from './graphql/schema';
import { seedRules } from './seeds/rules';
import { createIncentivesServer, openIncentivesDatabase } from './server';
import { loadEventsRetention } from './config';

export { buildIncentivesSchema } from './graphql/schema';
export { createIncentivesServer, openIncentivesDatabase } from './server';
export { STATEMENTS_JOB } from './services/statement-jobs';
export { loadIncentivesConfig } from './config';

const SQLITE_FILE = '.data/incentives.sqlite';

export const incentivesSubgraph: SubgraphModule = {
  name: 'incentives',
  defaultPort: 4004,
  buildSchema: buildIncentivesSchema,
  async seed(options) {
    const database = await openIncentivesDatabase({ url: options.databaseUrl, sqliteFile: options.sqliteFile ?? SQLITE_FILE });
    try {
      const added = await database.transaction((manager) => seedRules(manager));
      return `incentives: ${added} demo rule versions added (the ledger fills from other subgraphs' events)`;
    } finally {
      await database.dataSource.destroy();
    }
  },
  async start(options) {
    const database = await openIncentivesDatabase({ url: options.databaseUrl, sqliteFile: options.sqliteFile ?? SQLITE_FILE });
    // Embedded, it reads only its retention variables; the gateway's config owns ports and databases.
    const server = await createIncentivesServer({ database, bus: options.bus, gatewaySecret: options.gatewaySecret, eventsRetention: loadEventsRetention() });
    const running = await server.start(options.port, options.host);
    return {
      name: 'incentives',
      url: running.url,
      close: async () => {
        await running.close();
        await database.dataSource.destroy();
      },
    };
  },
};
