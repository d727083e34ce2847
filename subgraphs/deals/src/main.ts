import { RedisStreamsBus } from '@hub/events';
import { loadDealsConfig } from './config';
import { dealsSubgraph } from './index';

// Runs the deals subgraph on its own (MySQL + Redis Streams, docker-compose); `pnpm start` embeds it.
const config = loadDealsConfig();
const bus = new RedisStreamsBus({ redis: config.REDIS_URL });
const running = await dealsSubgraph.start({
  databaseUrl: config.DATABASE_URL,
  sqliteFile: config.SQLITE_FILE,
  gatewaySecret: config.GATEWAY_SECRET,
  port: config.PORT,
  host: config.HOST,
  bus,
});
console.log(`deals subgraph ready at ${running.url}`);
const stop = () => void running.close().then(() => bus.close()).then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
