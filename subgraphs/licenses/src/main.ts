import { databaseTimeouts, loadConfigOrExit } from '@hub/config';
import { RedisStreamsBus } from '@hub/events';
import { drainOnSignal, shareGatewayNonces } from '@hub/graphql-kit';
import { eventsRetention, loadLicensesConfig } from './config';
import { createLicensesServer, openLicensesDatabase } from './server';
import { startSubgraphTracing } from '@hub/graphql-kit/subgraph-tracing';

// Runs the licenses subgraph on its own (MySQL + Redis, docker-compose); `pnpm start` embeds it.
// Off unless OTEL_EXPORTER_OTLP_ENDPOINT is set; before the database opens, so mysql2 is traced.
const tracing = await startSubgraphTracing('licenses');
const config = loadConfigOrExit(() => loadLicensesConfig());
// Every instance refuses a gateway request another instance has already accepted.
const closeNonces = await shareGatewayNonces(config.REDIS_URL, config.GATEWAY_NONCES_WITHOUT_REDIS);
const bus = new RedisStreamsBus({ redis: config.REDIS_URL });
const database = await openLicensesDatabase({ url: config.DATABASE_URL, sqliteFile: config.SQLITE_FILE, timeouts: databaseTimeouts(config) });
const server = await createLicensesServer({ database, bus, gatewaySecret: config.GATEWAY_SECRET, sweepMs: config.LICENSE_SWEEP_MS, expiringNoticeDays: config.LICENSE_EXPIRING_DAYS, eventsRetention: eventsRetention(config) });
const running = await server.start(config.PORT, config.HOST);
console.log(`licenses subgraph ready at ${running.url}`);

// SIGTERM drains: unready at once, no new connection, requests in flight answered, then the
// consumers and the relay after their current batch; bounded by SHUTDOWN_TIMEOUT_MS.
drainOnSignal(
  async () => {
    await running.close();
    await bus.close();
    closeNonces();
    await database.dataSource.destroy();
    // The last requests' spans are exported before the process ends.
    await tracing?.shutdown();
  },
  { name: 'licenses', timeoutMs: config.SHUTDOWN_TIMEOUT_MS },
);
