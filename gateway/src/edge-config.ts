import { ROLES, type Role } from '@hub/auth';
import { parseConfig, z } from '@hub/config';
import { parseTrustedProxies, TRUSTED_PROXY_KEYWORDS, type TrustedProxies } from './client-address';
import { DEFAULT_OPERATION_LIMITS, type OperationLimits } from './operation-limits';
import { DEFAULT_UPSTREAM_RESILIENCE, type UpstreamResilience } from './upstream-resilience';

type Env = Record<string, string | undefined>;

/** `300/10s` → 300 requests per 10 seconds. */
export interface RateLimit {
  points: number;
  durationSeconds: number;
}

export interface RateLimits {
  /** Per caller (token subject) unless the role has its own entry. */
  perCaller: RateLimit;
  perRole: Partial<Record<Role, RateLimit>>;
  /** Per client address, for requests without a valid token (401s, the IDE page, its assets). */
  anonymous: RateLimit;
}

/** The gateway's edge: what it refuses before any subgraph is called, and how it answers browsers. */
export interface EdgeConfig {
  production: boolean;
  limits: OperationLimits;
  /** Largest request body the gateway reads (the subgraphs take at most 1 MiB each). */
  maxBodyBytes: number;
  rateLimits: RateLimits;
  /**
   * Load balancers and ingresses whose X-Forwarded-For is believed when they are the TCP peer
   * (TRUSTED_PROXIES); the client address comes from it (see client-address.ts). Empty by default.
   */
  trustedProxies: TrustedProxies;
  /** Origins a browser may call the gateway from; `*` allows any (without credentials). */
  corsOrigins: readonly string[];
  /** Subgraph timeouts, the breaker and how often a failing subgraph is logged. */
  upstream: UpstreamResilience;
  /**
   * GraphQL requests (HTTP, not subscription streams) the gateway works on at once; beyond, it
   * answers 503 with Retry-After at once instead of queueing without bound (MAX_IN_FLIGHT).
   */
  maxInFlight: number;
}

const RATE = /^(\d+)\s*\/\s*(\d+)\s*(s|m)$/;

function parseRate(text: string): RateLimit | undefined {
  const match = RATE.exec(text.trim());
  if (!match) return undefined;
  const points = Number(match[1]);
  const durationSeconds = Number(match[2]) * (match[3] === 'm' ? 60 : 1);
  return points > 0 && durationSeconds > 0 ? { points, durationSeconds } : undefined;
}

const rate = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((text, ctx) => {
      const parsed = parseRate(text === '' ? fallback : text);
      if (!parsed) ctx.addIssue({ code: 'custom', message: 'must look like 300/10s or 1000/1m' });
      return parsed ?? { points: 1, durationSeconds: 1 };
    });

const roleRates = z
  .string()
  .default('')
  .transform((text, ctx) => {
    const rates: Partial<Record<Role, RateLimit>> = {};
    for (const entry of text.split(',').map((e) => e.trim()).filter(Boolean)) {
      const [role, spec] = entry.split('=', 2).map((part) => part.trim());
      const parsed = spec === undefined ? undefined : parseRate(spec);
      if (!(ROLES as readonly string[]).includes(role ?? '') || !parsed) {
        ctx.addIssue({ code: 'custom', message: `"${entry}" must look like bi=1200/10s with a role among ${ROLES.join(', ')}` });
        continue;
      }
      rates[role as Role] = parsed;
    }
    return rates;
  });

const positive = (fallback: number) => z.coerce.number().int().positive().default(fallback);
const atLeastZero = (fallback: number) => z.coerce.number().int().min(0).default(fallback);

/** `licenses=3000,deals=5000` → per-subgraph timeouts in milliseconds. */
const subgraphTimeouts = z
  .string()
  .default('')
  .transform((text, ctx) => {
    const timeouts: Record<string, number> = {};
    for (const entry of text.split(',').map((e) => e.trim()).filter(Boolean)) {
      const [name, ms] = entry.split('=', 2).map((part) => part.trim());
      if (!name || !/^[a-z][a-z0-9_-]*$/.test(name) || !/^\d+$/.test(ms ?? '') || Number(ms) <= 0) {
        ctx.addIssue({ code: 'custom', message: `"${entry}" must look like licenses=3000 (a subgraph and milliseconds)` });
        continue;
      }
      timeouts[name] = Number(ms);
    }
    return timeouts;
  });

/** `10.0.0.0/8, ::1, loopback` → the entries, each an address, a CIDR range or a keyword. */
const trustedProxies = z
  .string()
  .default('')
  .transform((text, ctx) => {
    const { proxies, invalid } = parseTrustedProxies(text);
    for (const entry of invalid) {
      ctx.addIssue({ code: 'custom', message: `"${entry}" must be an IP address, a CIDR range such as 10.0.0.0/8 or fd00::/8, or one of ${TRUSTED_PROXY_KEYWORDS.join(', ')}` });
    }
    return proxies;
  });

/**
 * Sized for a gateway on 2 cores: at about 1,000 simple requests a second, 256 in flight is a
 * quarter second of work queued; more only adds latency before the same answers.
 */
export const DEFAULT_MAX_IN_FLIGHT = 256;

const booleanFlag = z.enum(['true', 'false', '']).optional();

/**
 * Reads the edge settings from the environment. `ownOrigins` are the gateway's own addresses,
 * allowed by default so the IDE and a portal served beside it work without configuration.
 */
export function loadEdgeConfig(env: Env, ownOrigins: readonly string[] = []): EdgeConfig {
  const defaults = DEFAULT_OPERATION_LIMITS;
  const parsed = parseConfig(
    z.object({
      NODE_ENV: z.string().optional(),
      GRAPHQL_MAX_DEPTH: positive(defaults.maxDepth),
      GRAPHQL_MAX_ALIASES: positive(defaults.maxAliases),
      GRAPHQL_MAX_TOKENS: positive(defaults.maxTokens),
      GRAPHQL_MAX_DIRECTIVES: positive(defaults.maxDirectives),
      GRAPHQL_MAX_LENGTH: positive(defaults.maxDocumentLength),
      GRAPHQL_MAX_COST: positive(defaults.maxCost),
      GRAPHQL_DEFAULT_LIST_SIZE: positive(defaults.defaultListSize),
      GRAPHQL_MAX_LIST_SIZE: positive(defaults.maxListSize),
      GRAPHQL_UNPAGED_LIST_SIZE: positive(defaults.unpagedListSize),
      GRAPHQL_FIELD_SUGGESTIONS: booleanFlag,
      MAX_BODY_BYTES: positive(1024 * 1024),
      RATE_LIMIT: rate('300/10s'),
      RATE_LIMIT_ROLES: roleRates,
      RATE_LIMIT_ANONYMOUS: rate('100/10s'),
      TRUSTED_PROXIES: trustedProxies,
      CORS_ORIGINS: z.string().default(''),
      SUBGRAPH_TIMEOUT_MS: positive(DEFAULT_UPSTREAM_RESILIENCE.timeoutMs),
      SUBGRAPH_TIMEOUTS: subgraphTimeouts,
      SUBGRAPH_BREAKER_FAILURES: atLeastZero(DEFAULT_UPSTREAM_RESILIENCE.breakerFailures),
      SUBGRAPH_BREAKER_COOLDOWN_MS: positive(DEFAULT_UPSTREAM_RESILIENCE.breakerCoolDownMs),
      MAX_IN_FLIGHT: positive(DEFAULT_MAX_IN_FLIGHT),
    }),
    env,
  );
  const production = parsed.NODE_ENV === 'production';
  const configuredOrigins = parsed.CORS_ORIGINS.split(',')
    .map((origin) => origin.trim().replace(/\/+$/, ''))
    .filter(Boolean);
  return {
    production,
    limits: {
      maxDepth: parsed.GRAPHQL_MAX_DEPTH,
      maxAliases: parsed.GRAPHQL_MAX_ALIASES,
      maxTokens: parsed.GRAPHQL_MAX_TOKENS,
      maxDirectives: parsed.GRAPHQL_MAX_DIRECTIVES,
      maxDocumentLength: parsed.GRAPHQL_MAX_LENGTH,
      maxCost: parsed.GRAPHQL_MAX_COST,
      defaultListSize: parsed.GRAPHQL_DEFAULT_LIST_SIZE,
      maxListSize: parsed.GRAPHQL_MAX_LIST_SIZE,
      unpagedListSize: parsed.GRAPHQL_UNPAGED_LIST_SIZE,
      // Suggestions reveal field names; in production they are off unless switched on.
      blockFieldSuggestions: parsed.GRAPHQL_FIELD_SUGGESTIONS === undefined || parsed.GRAPHQL_FIELD_SUGGESTIONS === '' ? production : parsed.GRAPHQL_FIELD_SUGGESTIONS === 'false',
    },
    maxBodyBytes: parsed.MAX_BODY_BYTES,
    rateLimits: { perCaller: parsed.RATE_LIMIT, perRole: parsed.RATE_LIMIT_ROLES, anonymous: parsed.RATE_LIMIT_ANONYMOUS },
    trustedProxies: parsed.TRUSTED_PROXIES,
    corsOrigins: configuredOrigins.length > 0 ? configuredOrigins : ownOrigins,
    upstream: {
      ...DEFAULT_UPSTREAM_RESILIENCE,
      timeoutMs: parsed.SUBGRAPH_TIMEOUT_MS,
      timeouts: parsed.SUBGRAPH_TIMEOUTS,
      breakerFailures: parsed.SUBGRAPH_BREAKER_FAILURES,
      breakerCoolDownMs: parsed.SUBGRAPH_BREAKER_COOLDOWN_MS,
    },
    maxInFlight: parsed.MAX_IN_FLIGHT,
  };
}

/** The edge with every default, for tests and callers that build a gateway in code. */
export const defaultEdgeConfig = (overrides: Partial<EdgeConfig> = {}): EdgeConfig => ({ ...loadEdgeConfig({}), ...overrides });
