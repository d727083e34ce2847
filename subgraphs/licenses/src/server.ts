import { openDatabase, type Database, type DatabaseOptions } from '@hub/db';
import { systemClock, type Clock } from '@hub/domain';
import { EventsPruner, OutboxRelay, ParkedEventsService, PollingLoop, startConsumer, type EventBus, type EventsRetention, type Subscription } from '@hub/events';
import { consumerLagCollectors, createJobDurations, jobsCollectors, outboxCollectors, parkedEventsCollector, startSubgraphServer, type RunningSubgraph } from '@hub/graphql-kit';
import { JobRunner, JobStore, type JobRunnerOptions } from '@hub/jobs';
import { licensesEntities } from './entities';
import { licensesExports } from './exports/usage.export';
import type { LicensesContext } from './graphql/context';
import { buildLicensesSchema } from './graphql/schema';
import { createLicensesLoaders } from './loaders/licenses.loaders';
import { licensesMigrations } from './migrations';
import { seedCatalog } from './seeds/catalog';
import { CatalogService } from './services/catalog.service';
import { dealLicensesConsumer } from './services/deal-licenses.consumer';
import { LicensesEvents } from './services/events';
import { LicensesService } from './services/licenses.service';
import { partnerFactsConsumer } from './services/partner-refs.consumer';
import { USAGE_MONTH_JOB, usageMonthWork } from './services/usage-month-jobs';
import { UsageService } from './services/usage.service';
import { UsageSeatsService } from './services/usage-seats.service';

export function openLicensesDatabase(options: { url?: string; sqliteFile?: string; logQueries?: boolean; timeouts?: DatabaseOptions['timeouts'] }): Promise<Database> {
  return openDatabase({ ...options, entities: licensesEntities, migrations: licensesMigrations });
}

export interface LicensesServerDeps {
  database: Database;
  bus: EventBus;
  gatewaySecret: string;
  clock?: Clock;
  /** How often lapsed licences expire and locked months' statements are issued. */
  sweepMs?: number;
  jobs?: JobRunnerOptions;
  /** How long published outbox rows and processed-event ids are kept (defaults: 7 and 30 days). */
  eventsRetention?: EventsRetention;
  /** How many days before a licence ends the sweep sends license.expiring (default 30). */
  expiringNoticeDays?: number;
}

const HOUR_MS = 60 * 60 * 1000;
const DEFAULT_EXPIRING_NOTICE_DAYS = 30;

/**
 * The licenses subgraph around an open database and a bus: its outbox relay, the consumers of
 * partner facts and won deals, the sweep and the GraphQL server. Nothing runs until `start`.
 */
export async function createLicensesServer(deps: LicensesServerDeps) {
  const clock = deps.clock ?? systemClock;
  const relay = new OutboxRelay({ database: deps.database, bus: deps.bus, now: () => clock.now() });
  const pruner = new EventsPruner({ database: deps.database, ...deps.eventsRetention, now: () => clock.now() });
  const events = new LicensesEvents(clock, () => relay.notify());
  const catalog = new CatalogService(deps.database, clock);
  const licenses = new LicensesService(deps.database, clock, events);
  const usage = new UsageService(deps.database, clock, events);
  // Incentives serves job(id) for every job: it learns of these from their job.updated events.
  const jobStore = new JobStore(deps.database, { now: () => clock.now(), announce: { source: 'licenses', wake: () => relay.notify() } });
  const jobDurations = createJobDurations();
  const jobRunner = new JobRunner(jobStore, { [USAGE_MONTH_JOB]: usageMonthWork(usage) }, { durations: jobDurations, ...deps.jobs });
  const dealLicenses = dealLicensesConsumer(licenses);
  const parked = new ParkedEventsService(deps.database, [partnerFactsConsumer, dealLicenses], () => clock.now());
  const schema = await buildLicensesSchema();
  await deps.database.transaction((manager) => seedCatalog(manager, clock.now()));

  const expiringNoticeDays = deps.expiringNoticeDays ?? DEFAULT_EXPIRING_NOTICE_DAYS;
  const sweep = async () => {
    await licenses.expireDue();
    await licenses.noticeExpiring(expiringNoticeDays);
    await usage.issueDue();
  };

  return {
    catalog,
    licenses,
    usage,
    jobs: { store: jobStore, runner: jobRunner },
    relay,
    schema,
    /** What the timer runs: expiries, notices of licences ending soon, then statements of months past their lock day. */
    sweep,
    start: async (port: number, host?: string): Promise<RunningSubgraph> => {
      relay.start();
      pruner.start();
      await jobRunner.start();
      const consumers: Subscription[] = [
        await startConsumer(partnerFactsConsumer, { database: deps.database, bus: deps.bus, now: () => clock.now() }),
        await startConsumer(dealLicenses, { database: deps.database, bus: deps.bus, now: () => clock.now() }),
      ];
      const timer = new PollingLoop({
        intervalMs: deps.sweepMs ?? HOUR_MS,
        firstRoundAfterInterval: true,
        round: async () => {
          await sweep();
          return 'idle';
        },
        onError: (error) => console.error('[licenses] sweep failed:', error),
      });
      timer.start();
      const usageSeats = new UsageSeatsService(deps.database);
      const running = await startSubgraphServer<LicensesContext>(
        {
          name: 'licenses',
          schema,
          gatewaySecret: deps.gatewaySecret,
          createContext: (claims) => ({ claims, catalog, licenses, usage, usageSeats, jobRunner, parked, loaders: createLicensesLoaders(deps.database.dataSource) }),
          exports: licensesExports(deps.database),
          readiness: async () => {
            await deps.database.dataSource.query('SELECT 1');
          },
          metrics: [...outboxCollectors(deps.database.dataSource, () => clock.now()), ...consumerLagCollectors(deps.bus, 'licenses'), parkedEventsCollector(deps.database.dataSource), ...jobsCollectors(deps.database.dataSource, () => clock.now())],
          instruments: [jobDurations],
        },
        port,
        host,
      );
      return {
        ...running,
        close: async () => {
          await timer.stop();
          await running.close();
          await jobRunner.stop();
          for (const consumer of consumers) await consumer.stop();
          await pruner.stop();
          await relay.stop();
        },
      };
    },
  };
}
