import { openDatabase, type Database, type DatabaseOptions } from '@hub/db';
import { systemClock, type Clock } from '@hub/domain';
import { EventsPruner, OutboxRelay, ParkedEventsService, startConsumer, type EventBus, type EventsRetention, type Subscription } from '@hub/events';
import { consumerLagCollectors, createJobDurations, jobsCollectors, outboxCollectors, parkedEventsCollector, startSubgraphServer, type RunningSubgraph } from '@hub/graphql-kit';
import { jobMirrorConsumer, JobRunner, JobStore, type JobRunnerOptions } from '@hub/jobs';
import { incentivesEntities } from './entities';
import { incentivesExports } from './exports/incentives.export';
import type { IncentivesContext } from './graphql/context';
import { buildIncentivesSchema } from './graphql/schema';
import { createIncentivesLoaders } from './loaders/incentives.loaders';
import { incentivesMigrations } from './migrations';
import { seedRules } from './seeds/rules';
import { DealIncentivesService } from './services/deal-incentives.service';
import { ledgerConsumer } from './services/ledger.consumer';
import { MdfService } from './services/mdf.service';
import { MetricsService } from './services/metrics.service';
import { ProgramMetricsService } from './services/program-metrics.service';
import { RulesService } from './services/rules';
import { SimulationService } from './services/simulation.service';
import { StandingService } from './services/standing.service';
import { STATEMENTS_JOB, statementsWork } from './services/statement-jobs';
import { StatementsService } from './services/statements.service';

/** The consumer group every incentives instance reads jobs' pages in. */
const JOB_PAGES_GROUP = 'incentives.job-pages';

export function openIncentivesDatabase(options: { url?: string; sqliteFile?: string; logQueries?: boolean; timeouts?: DatabaseOptions['timeouts'] }): Promise<Database> {
  return openDatabase({ ...options, entities: incentivesEntities, migrations: incentivesMigrations });
}

export interface IncentivesServerDeps {
  database: Database;
  bus: EventBus;
  gatewaySecret: string;
  clock?: Clock;
  /** Payees per page of a statements job (tests use small pages to stop and resume mid-run). */
  statementsPageSize?: number;
  jobs?: JobRunnerOptions;
  /**
   * Where jobs' pages go to be shared by every instance (a Redis Streams bus, standalone);
   * without it (embedded) the instance coordinating a job does its pages itself, in order.
   */
  jobPages?: EventBus;
  /** How long published outbox rows and processed-event ids are kept (defaults: 7 and 30 days). */
  eventsRetention?: EventsRetention;
}

/**
 * The incentives subgraph around an open database and a bus: the ledger consumer (every
 * partner, deal, licence and usage event it pays from), the outbox relay for statement events,
 * and the GraphQL server. Nothing runs until `start`.
 */
export async function createIncentivesServer(deps: IncentivesServerDeps) {
  const clock = deps.clock ?? systemClock;
  const relay = new OutboxRelay({ database: deps.database, bus: deps.bus, now: () => clock.now() });
  const pruner = new EventsPruner({ database: deps.database, ...deps.eventsRetention, now: () => clock.now() });
  const statements = new StatementsService(deps.database, clock, () => relay.notify(), deps.statementsPageSize);
  const jobStore = new JobStore(deps.database, { now: () => clock.now() });
  const pageQueue = deps.jobPages ? { bus: deps.jobPages, group: JOB_PAGES_GROUP } : undefined;
  const jobDurations = createJobDurations();
  const runner = new JobRunner(jobStore, { [STATEMENTS_JOB]: statementsWork(statements) }, { durations: jobDurations, ...deps.jobs, pageQueue });
  const jobs = { store: jobStore, runner };
  const deals = new DealIncentivesService(deps.database, clock);
  const standing = new StandingService(deps.database, clock);
  const mdf = new MdfService(deps.database, clock);
  const rules = new RulesService(deps.database);
  const simulation = new SimulationService(statements, rules);
  const metrics = new MetricsService(deps.database);
  const programMetrics = new ProgramMetricsService(deps.database);
  // job(id) answers for the jobs licences runs (closing a usage month) from their events.
  const jobMirror = jobMirrorConsumer('incentives.jobs');
  const parked = new ParkedEventsService(deps.database, [ledgerConsumer, jobMirror], () => clock.now());
  const schema = await buildIncentivesSchema();
  await deps.database.transaction((manager) => seedRules(manager));

  return {
    statements,
    deals,
    standing,
    mdf,
    relay,
    jobs,
    schema,
    start: async (port: number, host?: string): Promise<RunningSubgraph> => {
      relay.start();
      pruner.start();
      // Resumes the jobs a stopped or killed process left (and any queued elsewhere, unclaimed).
      await jobs.runner.start();
      const ledger: Subscription = await startConsumer(ledgerConsumer, { database: deps.database, bus: deps.bus, now: () => clock.now() });
      const jobCopies: Subscription = await startConsumer(jobMirror, { database: deps.database, bus: deps.bus, now: () => clock.now() });
      const running = await startSubgraphServer<IncentivesContext>(
        {
          name: 'incentives',
          schema,
          gatewaySecret: deps.gatewaySecret,
          createContext: (claims) => ({ claims, statements, deals, standing, mdf, rules, simulation, metrics, programMetrics, jobs, parked, loaders: createIncentivesLoaders(deps.database.dataSource, deals, standing) }),
          subscriptions: true,
          exports: incentivesExports(deps.database, metrics),
          readiness: async () => {
            await deps.database.dataSource.query('SELECT 1');
          },
          metrics: [...outboxCollectors(deps.database.dataSource, () => clock.now()), ...consumerLagCollectors(deps.bus, 'incentives'), parkedEventsCollector(deps.database.dataSource), ...jobsCollectors(deps.database.dataSource, () => clock.now())],
          instruments: [jobDurations],
        },
        port,
        host,
      );
      return {
        ...running,
        close: async () => {
          await running.close();
          await jobs.runner.stop();
          await ledger.stop();
          await jobCopies.stop();
          await pruner.stop();
          await relay.stop();
        },
      };
    },
  };
}
