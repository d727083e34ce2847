import { loadConfigOrExit } from '@hub/config';
import { RedisStreamsBus } from '@hub/events';
import { shareGatewayNonces } from '@hub/graphql-kit';
import { loadPartnersConfig } from './config';
import { partnersSubgraph } from './index';

// Runs the partners subgraph on its own (MySQL mode, docker-compose); `pnpm start` embeds it instead.
const config = loadConfigOrExit(() => loadPartnersConfig());
// Every instance refuses a gateway request another instance has already accepted.
const closeNonces = await shareGatewayNonces(config.REDIS_URL);
const bus = new RedisStreamsBus({ redis: config.REDIS_URL });
const running = await partnersSubgraph.start({
  databaseUrl: config.DATABASE_URL,
  sqliteFile: config.SQLITE_FILE,
  gatewaySecret: config.GATEWAY_SECRET,
  port: config.PORT,
  host: config.HOST,
  seedDemoData: config.SEED_DEMO_DATA,
  bus,
});
console.log(`partners subgraph ready at ${running.url}`);
const stop = () =>
  void running
    .close()
    .then(() => bus.close())
    .then(closeNonces)
    .then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
