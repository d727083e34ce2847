import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createJwtVerifier, mintToken, type Claims } from '@hub/auth';
import { createGateway, type GatewayOptions } from '@hub/gateway';
import { composeSupergraph, printSubgraphs } from '@hub/gateway/compose';
import { defaultEdgeConfig, type EdgeConfig } from '@hub/gateway/edge-config';
import { subscriptionSubgraphs } from '@hub/gateway/subgraphs';
import { InProcessBus } from '@hub/events';
import type { StartedSubgraph, SubgraphModule } from '@hub/graphql-kit';
import { createTestDatabase, type TestDatabase } from '@hub/testing';

export const JWT_SECRET = 'e2e-jwt-secret-at-least-32-characters-long';
export const GATEWAY_SECRET = 'e2e-gateway-secret-at-least-32-characters';

export interface RunningHub {
  /** The gateway's GraphQL endpoint. */
  url: string;
  origin: string;
  /** Where the gateway serves /metrics, when it does. */
  metricsUrl?: string;
  subgraphs: StartedSubgraph[];
  /** The gateway's HTTP server (to count the requests it took). */
  server: Server;
  token(claims: Claims): Promise<string>;
  close(): Promise<void>;
}

export interface HubOptions {
  /**
   * `sqlite` (default): one SQLite file per subgraph in a temp dir. `mysql`: one new, empty
   * MariaDB/MySQL database per subgraph on TEST_MYSQL_URL, migrated as in production and
   * dropped on close.
   */
  database?: 'sqlite' | 'mysql';
  /**
   * The gateway's edge and modes. By default every limit is the production default except the
   * rate limits: a test drives hundreds of requests a second as one caller on purpose, and the
   * security suite tests the rate limit with its own settings.
   */
  gateway?: Pick<GatewayOptions, 'edge' | 'ide' | 'introspection' | 'redisUrl' | 'metrics' | 'logging' | 'logWriter' | 'tracing' | 'queryPlanner'>;
  /** Where the gateway reaches a subgraph instead of its own URL (a proxy a test can break). */
  subgraphUrl?: (name: string, url: string) => string | Promise<string>;
}

const GENEROUS_RATE = { points: 1_000_000, durationSeconds: 1 };
export const testEdgeConfig = (): EdgeConfig =>
  defaultEdgeConfig({ rateLimits: { perCaller: GENEROUS_RATE, perRole: {}, anonymous: GENEROUS_RATE } });

/**
 * Starts the given subgraphs (demo data) and a gateway in front of them, all on free ports,
 * composed the way `pnpm start` composes them.
 */
export async function startHub(modules: readonly SubgraphModule[], options: HubOptions = {}): Promise<RunningHub> {
  const dataDir = mkdtempSync(join(tmpdir(), 'hub-e2e-'));
  const subgraphs: StartedSubgraph[] = [];
  const databases: TestDatabase[] = [];
  const bus = new InProcessBus();
  const cleanUp = async () => {
    await closeAll(subgraphs);
    await bus.close();
    await Promise.all(databases.map((database) => database.drop()));
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    for (const module of modules) {
      let databaseUrl: string | undefined;
      if (options.database === 'mysql') {
        const database = await createTestDatabase(`e2e_${module.name}`);
        databases.push(database);
        databaseUrl = database.url;
      }
      subgraphs.push(
        await module.start({ gatewaySecret: GATEWAY_SECRET, port: 0, databaseUrl, sqliteFile: join(dataDir, `${module.name}.sqlite`), seedDemoData: true, bus }),
      );
    }
    const urls = new Map<string, string>();
    for (const s of subgraphs) urls.set(s.name, options.subgraphUrl ? await options.subgraphUrl(s.name, s.url) : s.url);
    const supergraphSdl = composeSupergraph(await printSubgraphs(modules, (m) => urls.get(m.name) ?? ''));
    const gateway = createGateway({
      supergraphSdl,
      subgraphs: subgraphs.map((s) => ({ name: s.name, url: urls.get(s.name) ?? s.url, subscriptions: subscriptionSubgraphs.has(s.name) })),
      verifyToken: createJwtVerifier({ secret: JWT_SECRET }),
      gatewaySecret: GATEWAY_SECRET,
      logging: 'error',
      edge: testEdgeConfig(),
      ...options.gateway,
    });
    const url = await gateway.listen(0);
    return {
      url,
      origin: new URL(url).origin,
      metricsUrl: gateway.metricsUrl,
      subgraphs,
      server: gateway.server,
      token: (claims) => mintToken(claims, { secret: JWT_SECRET, expiresIn: '10m' }),
      close: async () => {
        await gateway.close();
        await cleanUp();
      },
    };
  } catch (error) {
    await cleanUp();
    throw error;
  }
}

async function closeAll(subgraphs: readonly StartedSubgraph[]): Promise<void> {
  await Promise.all(subgraphs.map((s) => s.close()));
}

/** POSTs a GraphQL operation to the gateway the way an ordinary client does. */
export async function post(
  url: string,
  body: { query: string; variables?: Record<string, unknown> },
  token?: string,
): Promise<{ status: number; json: { data?: unknown; errors?: { message: string; extensions?: Record<string, unknown> }[] } }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as never };
}
