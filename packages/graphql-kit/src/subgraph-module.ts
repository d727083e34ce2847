import type { GraphQLSchema } from 'graphql';
import type { EventBus } from '@hub/events';

export interface SubgraphStartOptions {
  /** mysql:// URL; absent means the embedded SQLite file. */
  databaseUrl?: string;
  /** The embedded SQLite file (default `.data/<name>.sqlite`). */
  sqliteFile?: string;
  gatewaySecret: string;
  port: number;
  host?: string;
  /** Load demo data when the database is empty. */
  seedDemoData?: boolean;
  /** Connect and statement timeouts on MySQL/MariaDB (@hub/db DatabaseTimeouts); defaults when absent. */
  databaseTimeouts?: { connectMs?: number; queryMs?: number };
  /**
   * Where the subgraph publishes its outbox and consumes other subgraphs' events: Redis
   * Streams in production, one shared in-process bus when everything runs embedded.
   */
  bus: EventBus;
}

export interface StartedSubgraph {
  name: string;
  url: string;
  close(): Promise<void>;
}

/**
 * What every subgraph package exports, so the gateway, the embedded mode, the composition
 * script and the tests treat all subgraphs alike.
 */
export interface SubgraphModule {
  name: string;
  defaultPort: number;
  /** The subgraph schema without touching a database (for printing SDL and composing). */
  buildSchema(): Promise<GraphQLSchema>;
  start(options: SubgraphStartOptions): Promise<StartedSubgraph>;
  /** Migrates the database and loads demo data if it is empty; returns a line saying what it did. */
  seed(options: Pick<SubgraphStartOptions, 'databaseUrl' | 'sqliteFile'>): Promise<string>;
}
