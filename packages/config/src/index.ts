import { z } from 'zod';
import { jwksProblems, productionProblems, type ProductionRules } from './production';

export { DEV_GATEWAY_SECRET, DEV_JWT_SECRET } from './secrets';
export { isProduction, jwksProblems, MIN_SECRET_BYTES, productionProblems, secretProblem, type ProductionRules } from './production';

type Env = Record<string, string | undefined>;

export class ConfigError extends Error {
  readonly problems: readonly string[];

  constructor(problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

const variableOf = (problem: string) => problem.split(':')[0];

/**
 * Parses environment variables against a zod schema and reports every problem at once, so an
 * operator fixes a deployment in one pass rather than one variable per restart. With `rules`,
 * what production mode refuses (and a JWKS without issuer and audience) is in the same report;
 * a variable the schema already refused is named once.
 */
export function parseConfig<T extends z.ZodType>(schema: T, env: Env, rules?: ProductionRules): z.infer<T> {
  const result = schema.safeParse(env);
  const problems = result.success ? [] : result.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
  if (rules) {
    const named = new Set(problems.map(variableOf));
    const security = [...(rules.verifiesTokens ? jwksProblems(env) : []), ...productionProblems(env, rules)];
    problems.push(...security.filter((problem) => !named.has(variableOf(problem))));
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return (result as { data: z.infer<T> }).data;
}

/**
 * Runs several loaders and throws one ConfigError with all their problems, so a process whose
 * configuration comes in parts still reports everything wrong at once.
 */
export function loadConfigs<T extends readonly unknown[]>(...loads: { readonly [K in keyof T]: () => T[K] }): T {
  const problems: string[] = [];
  const results = loads.map((load) => {
    try {
      return load();
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems.push(...error.problems.filter((problem) => !problems.includes(problem)));
      return undefined;
    }
  });
  if (problems.length > 0) throw new ConfigError(problems);
  return results as unknown as T;
}

/**
 * For entry points: the configuration, or the one report of everything wrong with it on stderr
 * and exit code 1 (a stack trace would bury the variable names).
 */
export function loadConfigOrExit<T>(load: () => T): T {
  try {
    return load();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
}

export const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);

/** An optional MySQL URL: absent means the embedded SQLite default. */
export const databaseUrl = z
  .string()
  .regex(/^(mysql|mariadb):\/\//, 'must be a mysql:// (or mariadb://) URL')
  .optional()
  .or(z.literal('').transform(() => undefined));

/** A redis:// (or rediss://, over TLS) URL. */
export const redisUrl = z.string().regex(/^rediss?:\/\//, 'must be a redis:// URL');

/** Where docker-compose and local development run Redis: a subgraph's REDIS_URL when unset. */
export const LOCAL_REDIS_URL = 'redis://127.0.0.1:6379';

export const secret = (fallback: string) => z.string().min(32, 'must be at least 32 characters').default(fallback);

/** `true` or `false`; unset or blank (as docker-compose passes `VAR=`) means `fallback`. */
export const flag = (fallback: boolean) =>
  z
    .enum(['true', 'false', ''], { error: 'must be true or false' })
    .optional()
    .transform((value) => (value === undefined || value === '' ? fallback : value === 'true'));

const SECONDS_PER_UNIT = { s: 1, m: 60, h: 3600, d: 86_400 } as const;

/** Parses `90`, `90s`, `15m`, `24h` or `7d` into seconds; undefined when it is none of these. */
export function parseDurationSeconds(text: string): number | undefined {
  const match = /^(\d{1,9})([smhd]?)$/.exec(text.trim());
  if (!match) return undefined;
  const unit = (match[2] || 's') as keyof typeof SECONDS_PER_UNIT;
  return Number(match[1]) * SECONDS_PER_UNIT[unit];
}

/** A positive duration in seconds, written as seconds or with a unit (`24h`); unset or blank means `fallback`. */
export const duration = (fallback: number) =>
  z
    .string()
    .optional()
    .transform((text, ctx) => {
      if (text === undefined || text.trim() === '') return fallback;
      const seconds = parseDurationSeconds(text);
      if (seconds === undefined || seconds === 0) {
        ctx.addIssue({ code: 'custom', message: 'must be a positive number of seconds or like 15m, 24h, 7d' });
        return z.NEVER;
      }
      return seconds;
    });

const DAY_S = 24 * 60 * 60;

interface RetentionVariables {
  OUTBOX_RETENTION: number;
  PROCESSED_EVENT_RETENTION: number;
}

/** The pruner's retentions in milliseconds (EventsRetention of @hub/events). */
export interface RetentionSettings {
  outboxRetentionMs: number;
  processedEventRetentionMs: number;
}

/** What is wrong with a pair of retentions, or null: checkRetentions of @hub/events. */
export type RetentionCheck = (outboxRetentionMs: number, processedEventRetentionMs: number) => string | null;

/**
 * How long the events tables keep what they no longer need (the EventsPruner of @hub/events),
 * the same in every subgraph. Published outbox rows are kept so a Redis that lost its stream can
 * be fed again from them. Processed-event ids must outlive every redelivery: longer than the
 * outbox retention of each subgraph this one consumes from and than the Redis stream keeps
 * entries, or a late redelivery is applied twice.
 *
 * `check` is checkRetentions, passed in rather than imported: @hub/events depends on the
 * database and Redis packages, which this package, read by every process first, does not.
 * Spread `variables` into a schema and refine it with `inOrder`; `loadEventsRetention` reads
 * these variables alone, for the embedded hub, whose ports and databases the gateway's config sets.
 */
export function eventsRetentionConfig(check: RetentionCheck) {
  const variables = {
    OUTBOX_RETENTION: duration(7 * DAY_S),
    PROCESSED_EVENT_RETENTION: duration(30 * DAY_S),
  };
  const inOrder = (config: RetentionVariables, ctx: z.RefinementCtx) => {
    const problem = check(config.OUTBOX_RETENTION * 1000, config.PROCESSED_EVENT_RETENTION * 1000);
    if (problem) ctx.addIssue({ code: 'custom', path: ['PROCESSED_EVENT_RETENTION'], message: problem });
  };
  /** The pruner's settings from a loaded config. */
  const eventsRetention = (config: RetentionVariables): RetentionSettings => ({
    outboxRetentionMs: config.OUTBOX_RETENTION * 1000,
    processedEventRetentionMs: config.PROCESSED_EVENT_RETENTION * 1000,
  });
  const loadEventsRetention = (env: Env = process.env): RetentionSettings => eventsRetention(parseConfig(z.object(variables).superRefine(inOrder), env));
  return { variables, inOrder, eventsRetention, loadEventsRetention };
}

export { z };
export { lifecycleVariables, databaseTimeouts, replayGuardVariables } from './lifecycle';
