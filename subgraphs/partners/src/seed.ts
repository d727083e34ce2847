import { loadPartnersConfig } from './config';
import { partnersSubgraph } from './index';

// Seeds this subgraph's own database when it runs standalone (docker-compose, MySQL mode).
const config = loadPartnersConfig();
console.log(await partnersSubgraph.seed({ databaseUrl: config.DATABASE_URL, sqliteFile: config.SQLITE_FILE }));
