import { openDatabase, type Database, type DatabaseOptions } from '@hub/db';
import { EventsPruner, OutboxRelay, ParkedEventsService, PollingLoop, startConsumer, type EventBus, type EventsRetention, type Subscription } from '@hub/events';
import { consumerLagCollectors, outboxCollectors, parkedEventsCollector, startSubgraphServer, webhookDeliveriesCollector, type MetricsCollector, type RunningSubgraph } from '@hub/graphql-kit';
import { dealsEntities } from './entities';
import { dealsExports } from './exports/deals.export';
import { PipelineFunnelService } from './services/pipeline-funnel.service';
import type { DealsContext } from './graphql/context';
import { buildDealsSchema } from './graphql/schema';
import { createDealsLoaders } from './loaders/deals.loaders';
import { createWebhookLoaders } from './loaders/webhooks.loaders';
import { dealsMigrations } from './migrations';
import { seedRegistrationPolicies } from './seeds/policies';
import { systemClock, type Clock } from '@hub/domain';
import { DealsService } from './services/deals.service';
import { outboxRecorder } from './services/outbox-recorder';
import { DealFeed } from './services/deal-feed';
import { createLiveDeals, type LiveDeals } from './services/live-deals';
import { partnerFactsConsumer } from './services/partner-refs.consumer';
import { catalogRefsConsumer } from './services/catalog-refs.consumer';
import { partnerFactsLoader, partnerFactsLookup } from './services/partner-facts';
import { WebhookDispatcher, type WebhookDispatcherOptions } from './services/webhook-dispatcher';
import { webhooksConsumer } from './services/webhooks.consumer';
import { WebhooksService } from './services/webhooks.service';
import { DEV_WEBHOOK_SECRET_KEY, WebhookSecretBox } from './services/webhook-secrets';
import type { WebhookSecurity } from './config';
import type { PubSubEventTarget } from '@graphql-yoga/subscription';

export function openDealsDatabase(options: { url?: string; sqliteFile?: string; logQueries?: boolean; timeouts?: DatabaseOptions['timeouts'] }): Promise<Database> {
  return openDatabase({ ...options, entities: dealsEntities, migrations: dealsMigrations });
}

export interface DealsServerDeps {
  database: Database;
  bus: EventBus;
  gatewaySecret: string;
  clock?: Clock;
  /** How often approved registrations past their validity are marked EXPIRED. */
  expirySweepMs?: number;
  /** Shares live updates between instances (Redis); in-memory when absent. */
  liveEventTarget?: PubSubEventTarget<never>;
  /**
   * Distributor webhooks: how often due deliveries are sent, attempts before giving up, timeout,
   * where they may go and the key sealing their secrets (defaults: public receivers only, the
   * development key).
   */
  webhooks?: Omit<WebhookDispatcherOptions, 'database' | 'clock' | 'egress' | 'secrets'> & Partial<WebhookSecurity>;
  /**
   * The deal feed behind `dealEvents` and `dealUpdated(after:)`: how long it keeps events (30
   * days) and how often each instance reads it when no wake-up came (1 s).
   */
  dealFeed?: { retentionMs?: number; pollMs?: number; pruneEveryMs?: number };
  /** How long published outbox rows and processed-event ids are kept (defaults: 7 and 30 days). */
  eventsRetention?: EventsRetention;
}

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;
const RETIRED_LIVE_GROUP = 'deals.live';

/**
 * The deals subgraph around an open database and a bus: its outbox relay, the consumer that
 * keeps partner facts current, the expiry sweep and the GraphQL server. Nothing runs until `start`.
 */
export async function createDealsServer(deps: DealsServerDeps) {
  const clock = deps.clock ?? systemClock;
  const relay = new OutboxRelay({ database: deps.database, bus: deps.bus, now: () => clock.now() });
  const pruner = new EventsPruner({ database: deps.database, ...deps.eventsRetention, now: () => clock.now() });
  const dealFeed = new DealFeed(deps.database.dataSource, deps.dealFeed?.retentionMs ?? 30 * DAY_MS);
  const live = createLiveDeals(dealFeed, partnerFactsLookup(deps.database.dataSource), { eventTarget: deps.liveEventTarget as never, pollMs: deps.dealFeed?.pollMs });
  const deals = new DealsService(
    deps.database,
    clock,
    outboxRecorder(clock, dealFeed, () => {
      relay.notify();
      live.committed();
    }),
  );
  const { allowPrivate = false, httpsOnly = false, secretKey = DEV_WEBHOOK_SECRET_KEY, secretOverlapMs, ...dispatch } = deps.webhooks ?? {};
  const egress = { allowPrivate, httpsOnly };
  const secrets = new WebhookSecretBox(secretKey);
  const webhooks = new WebhooksService(deps.database, clock, { egress, secrets, secretOverlapMs, resolve: dispatch.resolve });
  const dispatcher = new WebhookDispatcher({ ...dispatch, egress, secrets, database: deps.database, clock });
  const webhookDeliveries = webhooksConsumer(clock);
  const parked = new ParkedEventsService(deps.database, [partnerFactsConsumer, catalogRefsConsumer, webhookDeliveries], () => clock.now());
  const schema = await buildDealsSchema();
  await deps.database.transaction((manager) => seedRegistrationPolicies(manager));
  await webhooks.sealClearSecrets();

  return {
    deals,
    relay,
    live,
    dealFeed,
    webhooks,
    /** Sends due webhook deliveries; `start` runs it on an interval, tests call `dispatchDue()`. */
    dispatcher,
    schema,
    start: async (port: number, host?: string): Promise<RunningSubgraph> => {
      relay.start();
      pruner.start();
      const partnerFacts: Subscription = await startConsumer(partnerFactsConsumer, { database: deps.database, bus: deps.bus, now: () => clock.now() });
      const catalogRefs: Subscription = await startConsumer(catalogRefsConsumer, { database: deps.database, bus: deps.bus });
      await live.start();
      // Live updates used to be read from the bus by this group; the feed replaced it.
      await deps.bus.retireGroup(RETIRED_LIVE_GROUP);
      const webhookEnqueue: Subscription = await startConsumer(webhookDeliveries, { database: deps.database, bus: deps.bus, now: () => clock.now() });
      dispatcher.start();
      const sweep = new PollingLoop({
        intervalMs: deps.expirySweepMs ?? HOUR_MS,
        firstRoundAfterInterval: true,
        round: async () => {
          await deals.expireDue();
          return 'idle';
        },
        onError: (error) => console.error('[deals] expiry sweep failed:', error),
      });
      sweep.start();
      const feedPruning = new PollingLoop({
        intervalMs: deps.dealFeed?.pruneEveryMs ?? HOUR_MS,
        round: async () => {
          await dealFeed.prune(clock.now());
          return 'idle';
        },
        onError: (error) => console.error('[deals] pruning the deal feed failed:', error),
      });
      feedPruning.start();
      const pipelineFunnel = new PipelineFunnelService(deps.database);
      const running = await startSubgraphServer<DealsContext>(
        {
          name: 'deals',
          schema,
          gatewaySecret: deps.gatewaySecret,
          createContext: (claims) => ({
            claims,
            deals,
            live,
            dealFeed,
            webhooks,
            webhookDispatcher: dispatcher,
            parked,
            pipelineFunnel,
            partnerFacts: partnerFactsLoader(deps.database.dataSource),
            loaders: { ...createDealsLoaders(deps.database.dataSource), ...createWebhookLoaders(deps.database.dataSource) },
          }),
          subscriptions: true,
          exports: dealsExports(deps.database),
          readiness: async () => {
            await deps.database.dataSource.query('SELECT 1');
          },
          metrics: [...outboxCollectors(deps.database.dataSource, () => clock.now()), ...consumerLagCollectors(deps.bus, 'deals'), parkedEventsCollector(deps.database.dataSource), webhookDeliveriesCollector(deps.database.dataSource), liveSubscribersCollector(live)],
        },
        port,
        host,
      );
      return {
        ...running,
        close: async () => {
          await sweep.stop();
          await feedPruning.stop();
          await running.close();
          await live.stop();
          await partnerFacts.stop();
          await catalogRefs.stop();
          await webhookEnqueue.stop();
          await dispatcher.stop();
          await pruner.stop();
          await relay.stop();
        },
      };
    },
  };
}

/** `hub_live_subscribers`: the dealUpdated subscribers this instance serves, read at scrape time. */
function liveSubscribersCollector(live: LiveDeals): MetricsCollector {
  return {
    name: 'hub_live_subscribers',
    help: 'dealUpdated subscribers this deals instance is serving.',
    collect: async () => [{ value: live.subscribers() }],
  };
}
