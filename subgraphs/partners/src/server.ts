import { auditCopies } from '@hub/contracts';
import { openDatabase, type Database, type DatabaseOptions } from '@hub/db';
import { ParkedEventsService } from '@hub/events';
import { consumerLagCollectors, type LagSource, outboxCollectors, parkedEventsCollector, startSubgraphServer, type RunningSubgraph } from '@hub/graphql-kit';
import { partnersEntities } from './entities';
import type { PartnersContext, PartnersServices } from './graphql/context';
import { buildPartnersSchema } from './graphql/schema';
import { createPartnersLoaders } from './loaders/partners.loaders';
import { ReferenceData } from './loaders/reference-data';
import { partnersMigrations } from './migrations';
import { systemClock, type Clock } from '@hub/domain';
import { AuditEventsService } from './services/audit-events.service';
import { PartnersService } from './services/partners.service';
import { PeopleService } from './services/people.service';
import { ProgramsService } from './services/programs.service';
import { ReviewsService } from './services/reviews.service';
import { TiersService } from './services/tiers.service';

export function createPartnersServices(database: Database, clock: Clock, reference = new ReferenceData(database)): PartnersServices {
  const tiers = new TiersService(database, clock);
  return {
    tiers,
    programs: new ProgramsService(database, clock),
    partners: new PartnersService(database, clock, tiers, reference),
    people: new PeopleService(database, clock),
    reviews: new ReviewsService(database, clock, tiers),
    audit: new AuditEventsService(database),
    parked: new ParkedEventsService(database, [auditCopies], () => clock.now()),
  };
}

export function openPartnersDatabase(options: { url?: string; sqliteFile?: string; logQueries?: boolean; timeouts?: DatabaseOptions['timeouts'] }): Promise<Database> {
  return openDatabase({ ...options, entities: partnersEntities, migrations: partnersMigrations });
}

export interface PartnersServerDeps {
  database: Database;
  /** The bus its consumers read, for their lag in /metrics. */
  bus?: LagSource;
  gatewaySecret: string;
  clock?: Clock;
}

/** Builds the subgraph around an open database; no side effects until `listen`. */
export async function createPartnersServer(deps: PartnersServerDeps) {
  const clock = deps.clock ?? systemClock;
  const reference = new ReferenceData(deps.database);
  const services = createPartnersServices(deps.database, clock, reference);
  const schema = await buildPartnersSchema();
  return {
    services,
    schema,
    listen: (port: number, host?: string): Promise<RunningSubgraph> =>
      startSubgraphServer<PartnersContext>(
        {
          name: 'partners',
          schema,
          gatewaySecret: deps.gatewaySecret,
          createContext: (claims) => ({ claims, clock, services, loaders: createPartnersLoaders(deps.database.dataSource, reference) }),
          readiness: async () => {
            await deps.database.dataSource.query('SELECT 1');
          },
          metrics: [...outboxCollectors(deps.database.dataSource, () => clock.now()), ...(deps.bus ? consumerLagCollectors(deps.bus, 'partners') : []), parkedEventsCollector(deps.database.dataSource)],
        },
        port,
        host,
      ),
  };
}
