import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { JwtVerifierOptions } from '@hub/auth';
import type { MetricsExposure } from './create-gateway';
import { DEV_GATEWAY_SECRET, DEV_JWT_SECRET, databaseUrl, duration, flag, isProduction, lifecycleVariables, parseConfig, port, secret, z, type ProductionRules } from '@hub/config';

/** The committed supergraph that `pnpm compose` writes from the subgraphs' code. */
export const DEFAULT_SUPERGRAPH_PATH = fileURLToPath(new URL('../../supergraph.graphql', import.meta.url));

type Env = Record<string, string | undefined>;

// docker-compose and shell scripts often pass `VAR=` for "not set"; treat it as absent.
const unsetWhenBlank = <T extends z.ZodType>(schema: T) => schema.optional().or(z.literal('').transform(() => undefined));

const httpUrl = () => z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });

const envName = (subgraph: string, suffix: string) => `${subgraph.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_${suffix}`;
/** `partners` → `PARTNERS_URL`: where the gateway finds that subgraph when it runs elsewhere. */
export const subgraphUrlVariable = (subgraph: string) => envName(subgraph, 'URL');
/** `partners` → `PARTNERS_PORT`: the port an embedded subgraph listens on. */
export const subgraphPortVariable = (subgraph: string) => envName(subgraph, 'PORT');

/** The longest token lifetime accepted unless JWT_MAX_TTL says otherwise. */
export const DEFAULT_JWT_MAX_TTL_SECONDS = 24 * 3600;

const authShape = {
  JWT_SECRET: secret(DEV_JWT_SECRET),
  JWKS_URL: unsetWhenBlank(httpUrl()),
  JWT_ISSUER: unsetWhenBlank(z.string()),
  JWT_AUDIENCE: unsetWhenBlank(z.string()),
  JWT_MAX_TTL: duration(DEFAULT_JWT_MAX_TTL_SECONDS),
  GATEWAY_SECRET: secret(DEV_GATEWAY_SECRET),
};

/** What a gateway refuses to start with in production (see @hub/config). */
const gatewayRules: ProductionRules = { secrets: ['GATEWAY_SECRET'], verifiesTokens: true };
/** The embedded hub runs deals in the same process, so its webhook key is checked in the same report. */
const embeddedRules: ProductionRules = { ...gatewayRules, secrets: [...gatewayRules.secrets, 'WEBHOOK_SECRET_KEY'] };

export interface AuthConfig {
  /** How incoming bearer tokens are verified (a JWKS URL takes precedence over the secret). */
  jwt: JwtVerifierOptions & { secret: string; maxTtlSeconds: number };
  /** Signs every subgraph request; the subgraphs hold the same secret. */
  gatewaySecret: string;
}

function authConfig(parsed: z.infer<z.ZodObject<typeof authShape>>): AuthConfig {
  return {
    jwt: {
      secret: parsed.JWT_SECRET,
      jwksUrl: parsed.JWKS_URL,
      issuer: parsed.JWT_ISSUER,
      audience: parsed.JWT_AUDIENCE,
      maxTtlSeconds: parsed.JWT_MAX_TTL,
    },
    gatewaySecret: parsed.GATEWAY_SECRET,
  };
}

export function loadAuthConfig(env: Env): AuthConfig {
  return authConfig(parseConfig(z.object(authShape), env));
}

/**
 * What the gateway shows strangers about its schema: the GraphQL IDE page and introspection,
 * each on by default in development and off in production unless switched on.
 */
const exposureShape = (env: Env) => ({
  GRAPHQL_IDE: flag(!isProduction(env)),
  INTROSPECTION: flag(!isProduction(env)),
  METRICS: flag(!isProduction(env)),
  METRICS_PORT: unsetWhenBlank(z.coerce.number().int().min(1).max(65535)),
});

export interface ExposureConfig {
  /** NODE_ENV=production. */
  production: boolean;
  /** Serve the GraphQL IDE page (GRAPHQL_IDE). */
  ide: boolean;
  /** Answer introspection queries (INTROSPECTION). */
  introspection: boolean;
  /**
   * Prometheus /metrics: on a port of its own when METRICS_PORT is set (which switches them on;
   * the way to scrape a production gateway without opening /metrics to its public clients),
   * else on the gateway's port when METRICS is true (default outside production), else off.
   */
  metrics: MetricsExposure;
}

function exposureConfig(env: Env, parsed: z.infer<z.ZodObject<ReturnType<typeof exposureShape>>>): ExposureConfig {
  const metrics: MetricsExposure = parsed.METRICS_PORT !== undefined ? { port: parsed.METRICS_PORT } : parsed.METRICS;
  return { production: isProduction(env), ide: parsed.GRAPHQL_IDE, introspection: parsed.INTROSPECTION, metrics };
}

export interface GatewayConfig extends AuthConfig, ExposureConfig {
  port: number;
  host: string;
  supergraphPath: string;
  /** Per-subgraph location overrides; absent means the URL composed into the supergraph. */
  subgraphUrls: Record<string, string | undefined>;
  /** Shared by several gateways (rate-limit counters); absent means in memory. */
  redisUrl?: string;
  /** QUERY_PLANNER: `rust` (default) or `js`, to compare or to fall back. */
  queryPlanner: 'rust' | 'js';
  /** SHUTDOWN_TIMEOUT_MS: the process exits this long after SIGTERM even if the drain hangs. */
  shutdownTimeoutMs: number;
}

/** The standalone gateway (docker / MySQL mode): subgraphs run as their own processes. */
export function loadGatewayConfig(env: Env, subgraphNames: readonly string[]): GatewayConfig {
  const urlShape = Object.fromEntries(subgraphNames.map((name) => [subgraphUrlVariable(name), unsetWhenBlank(httpUrl())]));
  const parsed = parseConfig(
    z.object({
      ...authShape,
      ...exposureShape(env),
      PORT: port(4000),
      // In its own container the gateway must listen beyond loopback, as the subgraphs do.
      HOST: z.string().min(1).default('0.0.0.0'),
      SUPERGRAPH_PATH: z.string().min(1).default(DEFAULT_SUPERGRAPH_PATH),
      REDIS_URL: unsetWhenBlank(z.string().regex(/^rediss?:\/\//, 'must be a redis:// URL')),
      QUERY_PLANNER: z.enum(['rust', 'js']).default('rust'),
      SHUTDOWN_TIMEOUT_MS: lifecycleVariables.SHUTDOWN_TIMEOUT_MS,
      ...urlShape,
    }),
    env,
    gatewayRules,
  );
  const urls = parsed as unknown as Record<string, string | undefined>;
  return {
    ...authConfig(parsed),
    ...exposureConfig(env, parsed),
    port: parsed.PORT,
    host: parsed.HOST,
    supergraphPath: parsed.SUPERGRAPH_PATH,
    subgraphUrls: Object.fromEntries(subgraphNames.map((name) => [name, urls[subgraphUrlVariable(name)]])),
    redisUrl: parsed.REDIS_URL,
    queryPlanner: parsed.QUERY_PLANNER,
    shutdownTimeoutMs: parsed.SHUTDOWN_TIMEOUT_MS,
  };
}

export interface EmbeddedConfig extends AuthConfig, ExposureConfig {
  port: number;
  host: string;
  /** Where the SQLite files live (one per subgraph). */
  dataDir: string;
  /** A mysql:// URL; each subgraph then uses its own database derived from it. */
  databaseUrl?: string;
  subgraphPorts: Record<string, number>;
  /** Drive a short demo history (deals, licences, usage, statements) through the API on a hub without deals. */
  demoActivity: boolean;
}

/** `pnpm start`: every subgraph and the gateway in one process. */
export function loadEmbeddedConfig(env: Env, subgraphs: readonly { name: string; defaultPort: number }[]): EmbeddedConfig {
  const portShape = Object.fromEntries(subgraphs.map((s) => [subgraphPortVariable(s.name), port(s.defaultPort)]));
  const parsed = parseConfig(
    z.object({
      ...authShape,
      ...exposureShape(env),
      PORT: port(4000),
      HOST: z.string().min(1).default('127.0.0.1'),
      DATA_DIR: z.string().min(1).default('.data'),
      DATABASE_URL: databaseUrl,
      // Blank counts as unset (on), as for the other variables.
      DEMO_ACTIVITY: z
        .enum(['true', 'false', ''])
        .default('true')
        .transform((v) => v !== 'false'),
      ...portShape,
    }),
    env,
    embeddedRules,
  );
  const ports = parsed as unknown as Record<string, number>;
  return {
    ...authConfig(parsed),
    ...exposureConfig(env, parsed),
    port: parsed.PORT,
    host: parsed.HOST,
    dataDir: resolve(parsed.DATA_DIR),
    databaseUrl: parsed.DATABASE_URL,
    subgraphPorts: Object.fromEntries(subgraphs.map((s) => [s.name, ports[subgraphPortVariable(s.name)] ?? s.defaultPort])),
    demoActivity: parsed.DEMO_ACTIVITY,
  };
}

/**
 * Every subgraph owns its own database: `mysql://u:p@db:3306/hub` → `…/hub_partners`. A URL
 * without a database name uses `hub` as the prefix. docker-compose and the embedded MySQL mode
 * both derive the names here so they agree.
 */
export function subgraphDatabaseUrl(databaseUrl: string, subgraph: string): string {
  const url = new URL(databaseUrl);
  const prefix = decodeURIComponent(url.pathname.replace(/^\/+|\/+$/g, '')) || 'hub';
  url.pathname = `/${prefix}_${subgraph.replace(/[^a-zA-Z0-9_]/g, '_')}`;
  return url.toString();
}
