import { databaseTimeouts, loadConfigOrExit } from '@hub/config';
import { RedisStreamsBus } from '@hub/events';
import { drainOnSignal, shareGatewayNonces } from '@hub/graphql-kit';
import { eventsRetention, loadIncentivesConfig } from './config';
import { createIncentivesServer, openIncentivesDatabase } from './server';
import { startSubgraphTracing } from '@hub/graphql-kit/subgraph-tracing';

// Runs the incentives subgraph on its own (MySQL + Redis, docker-compose); `pnpm start` embeds it.
// Off unless OTEL_EXPORTER_OTLP_ENDPOINT is set; before the database opens, so mysql2 is traced.
const tracing = await startSubgraphTracing('incentives');
const config = loadConfigOrExit(() => loadIncentivesConfig());
// Every instance refuses a gateway request another instance has already accepted.
const closeNonces = await shareGatewayNonces(config.REDIS_URL, config.GATEWAY_NONCES_WITHOUT_REDIS);
const bus = new RedisStreamsBus({ redis: config.REDIS_URL });
// Statements jobs' pages, on a stream of their own: every instance takes some of them.
const jobPages = new RedisStreamsBus({ redis: config.REDIS_URL, streamKey: 'hub:jobs:incentives' });
const database = await openIncentivesDatabase({ url: config.DATABASE_URL, sqliteFile: config.SQLITE_FILE, timeouts: databaseTimeouts(config) });
const server = await createIncentivesServer({ database, bus, jobPages, gatewaySecret: config.GATEWAY_SECRET, eventsRetention: eventsRetention(config) });
const running = await server.start(config.PORT, config.HOST);
console.log(`incentives subgraph ready at ${running.url}`);

// SIGTERM drains: unready at once, no new connection, requests in flight answered, then the
// consumers and the relay after their current batch; bounded by SHUTDOWN_TIMEOUT_MS.
drainOnSignal(
  async () => {
    await running.close();
    await bus.close();
    await jobPages.close();
    closeNonces();
    await database.dataSource.destroy();
    // The last requests' spans are exported before the process ends.
    await tracing?.shutdown();
  },
  { name: 'incentives', timeoutMs: config.SHUTDOWN_TIMEOUT_MS },
);
