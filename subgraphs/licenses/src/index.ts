import type { SubgraphModule } from '@hub/graphql-kit';
import { buildLicensesSchema } from './graphql/schema';
import { seedCatalog } from './seeds/catalog';
import { createLicensesServer, openLicensesDatabase } from './server';
import { loadEventsRetention, loadExpiringNoticeDays } from './config';

export { buildLicensesSchema } from './graphql/schema';
export { createLicensesServer, openLicensesDatabase } from './server';
export { loadLicensesConfig } from './config';
export type { LicenseEventPayload } from './services/license-events';
export { statementPayload } from './services/usage.service';

const SQLITE_FILE = '.data/licenses.sqlite';

export const licensesSubgraph: SubgraphModule = {
  name: 'licenses',
  defaultPort: 4003,
  buildSchema: buildLicensesSchema,
  async seed(options) {
    const database = await openLicensesDatabase({ url: options.databaseUrl, sqliteFile: options.sqliteFile ?? SQLITE_FILE });
    try {
      const { skus, created } = await database.transaction((manager) => seedCatalog(manager, new Date()));
      return `licenses: ${created ? 'loaded' : 'kept'} a catalog of ${skus} SKUs with its price book (licences arrive from won deals and the API)`;
    } finally {
      await database.dataSource.destroy();
    }
  },
  async start(options) {
    const database = await openLicensesDatabase({ url: options.databaseUrl, sqliteFile: options.sqliteFile ?? SQLITE_FILE });
    // Embedded, it reads only its retention and notice variables; the gateway's config owns ports and databases.
    const server = await createLicensesServer({
      database,
      bus: options.bus,
      gatewaySecret: options.gatewaySecret,
      eventsRetention: loadEventsRetention(),
      expiringNoticeDays: loadExpiringNoticeDays(),
    });
    const running = await server.start(options.port, options.host);
    return {
      name: 'licenses',
      url: running.url,
      close: async () => {
        await running.close();
        await database.dataSource.destroy();
      },
    };
  },
};
