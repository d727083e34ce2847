import { databaseTimeouts, loadConfigOrExit } from '@hub/config';
import { RedisStreamsBus } from '@hub/events';
import { drainOnSignal, shareGatewayNonces } from '@hub/graphql-kit';
import { loadPartnersConfig } from './config';
import { partnersSubgraph } from './index';
import { startSubgraphTracing } from '@hub/graphql-kit/subgraph-tracing';

// Runs the partners subgraph on its own (MySQL mode, docker-compose); `pnpm start` embeds it instead.
// Off unless OTEL_EXPORTER_OTLP_ENDPOINT is set; before the database opens, so mysql2 is traced.
const tracing = await startSubgraphTracing('partners');
const config = loadConfigOrExit(() => loadPartnersConfig());
// Every instance refuses a gateway request another instance has already accepted.
const closeNonces = await shareGatewayNonces(config.REDIS_URL, config.GATEWAY_NONCES_WITHOUT_REDIS);
const bus = new RedisStreamsBus({ redis: config.REDIS_URL });
const running = await partnersSubgraph.start({
  databaseUrl: config.DATABASE_URL,
  sqliteFile: config.SQLITE_FILE,
  gatewaySecret: config.GATEWAY_SECRET,
  port: config.PORT,
  host: config.HOST,
  seedDemoData: config.SEED_DEMO_DATA,
  databaseTimeouts: databaseTimeouts(config),
  bus,
});
console.log(`partners subgraph ready at ${running.url}`);
// SIGTERM drains: unready at once, no new connection, requests in flight answered, then the
// consumers and the relay after their current batch; bounded by SHUTDOWN_TIMEOUT_MS.
drainOnSignal(
  async () => {
    await running.close();
    await bus.close();
    closeNonces();
    // The last requests' spans are exported before the process ends.
    await tracing?.shutdown();
  },
  { name: 'partners', timeoutMs: config.SHUTDOWN_TIMEOUT_MS },
);
