import { databaseTimeouts, loadConfigOrExit } from '@hub/config';
import { RedisStreamsBus } from '@hub/events';
import { drainOnSignal, shareGatewayNonces } from '@hub/graphql-kit';
import { dealFeedSettings, eventsRetention, loadDealsConfig, webhookSecurity } from './config';
import { createDealsServer, openDealsDatabase } from './server';
import { redisWakeUps } from './services/redis-wake-ups';
import { startSubgraphTracing } from '@hub/graphql-kit/subgraph-tracing';

// Runs the deals subgraph on its own (MySQL + Redis, docker-compose); `pnpm start` embeds it.
// Events travel on Redis Streams; each instance tails the deal feed for its live subscribers, woken through
// Redis pub/sub.
// Off unless OTEL_EXPORTER_OTLP_ENDPOINT is set; before the database opens, so mysql2 is traced.
const tracing = await startSubgraphTracing('deals');
const config = loadConfigOrExit(() => loadDealsConfig());
// Every instance refuses a gateway request another instance has already accepted.
const closeNonces = await shareGatewayNonces(config.REDIS_URL, config.GATEWAY_NONCES_WITHOUT_REDIS);
const bus = new RedisStreamsBus({ redis: config.REDIS_URL });
const wakeUps = redisWakeUps(config.REDIS_URL, (error) => {
  console.warn(`[deals] live wake-ups are not reaching Redis; until they do, instances poll the feed (${(error as Error).message})`);
});
const database = await openDealsDatabase({ url: config.DATABASE_URL, sqliteFile: config.SQLITE_FILE, timeouts: databaseTimeouts(config) });
const server = await createDealsServer({
  database,
  bus,
  gatewaySecret: config.GATEWAY_SECRET,
  liveEventTarget: wakeUps.eventTarget as never,
  eventsRetention: eventsRetention(config),
  dealFeed: dealFeedSettings(config),
  webhooks: { intervalMs: config.WEBHOOK_DISPATCH_MS, maxAttempts: config.WEBHOOK_MAX_ATTEMPTS, ...webhookSecurity(config) },
});
const running = await server.start(config.PORT, config.HOST);
console.log(`deals subgraph ready at ${running.url}`);

// SIGTERM drains: unready at once, no new connection, requests in flight answered, then the
// consumers and the relay after their current batch; bounded by SHUTDOWN_TIMEOUT_MS.
drainOnSignal(
  async () => {
    await running.close();
    await bus.close();
    wakeUps.close();
    closeNonces();
    await database.dataSource.destroy();
    // The last requests' spans are exported before the process ends.
    await tracing?.shutdown();
  },
  { name: 'deals', timeoutMs: config.SHUTDOWN_TIMEOUT_MS },
);
