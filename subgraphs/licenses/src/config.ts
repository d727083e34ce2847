import { databaseUrl, DEV_GATEWAY_SECRET, lifecycleVariables, replayGuardVariables, duration, parseConfig, port, secret, z } from '@hub/config';
import { checkRetentions, type EventsRetention } from '@hub/events';

const DAY_S = 24 * 60 * 60;

/**
 * How long the events tables keep what they no longer need (the EventsPruner of @hub/events).
 * Published outbox rows are kept so a Redis that lost its stream can be fed again from them.
 * Processed-event ids must outlive every redelivery: longer than the outbox retention of each
 * subgraph this one consumes from and than the Redis stream keeps entries, or a late redelivery
 * is applied twice (see checkRetentions).
 */
const retentionVariables = {
  OUTBOX_RETENTION: duration(7 * DAY_S),
  PROCESSED_EVENT_RETENTION: duration(30 * DAY_S),
};

const retentionsInOrder = (config: { OUTBOX_RETENTION: number; PROCESSED_EVENT_RETENTION: number }, ctx: z.RefinementCtx) => {
  const problem = checkRetentions(config.OUTBOX_RETENTION * 1000, config.PROCESSED_EVENT_RETENTION * 1000);
  if (problem) ctx.addIssue({ code: 'custom', path: ['PROCESSED_EVENT_RETENTION'], message: problem });
};

/** The pruner's settings from a loaded config. */
export function eventsRetention(config: { OUTBOX_RETENTION: number; PROCESSED_EVENT_RETENTION: number }): EventsRetention {
  return { outboxRetentionMs: config.OUTBOX_RETENTION * 1000, processedEventRetentionMs: config.PROCESSED_EVENT_RETENTION * 1000 };
}

/** Only the retention variables, for the embedded hub, whose ports and databases the gateway's config sets. */
export function loadEventsRetention(env: Record<string, string | undefined> = process.env): EventsRetention {
  return eventsRetention(parseConfig(z.object(retentionVariables).superRefine(retentionsInOrder), env));
}

/** How many days before a licence ends its distributor hears of it (license.expiring), once per term. */
const expiringVariables = {
  LICENSE_EXPIRING_DAYS: z.coerce.number().int().min(1).max(365).default(30),
};

/** The notice window alone, for the embedded hub (as the retention variables). */
export function loadExpiringNoticeDays(env: Record<string, string | undefined> = process.env): number {
  return parseConfig(z.object(expiringVariables), env).LICENSE_EXPIRING_DAYS;
}

const schema = z.object({
  PORT: port(4003),
  HOST: z.string().default('0.0.0.0'),
  DATABASE_URL: databaseUrl,
  SQLITE_FILE: z.string().default('.data/licenses.sqlite'),
  GATEWAY_SECRET: secret(DEV_GATEWAY_SECRET),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must be a redis:// URL').default('redis://127.0.0.1:6379'),
  /** How often lapsed term licences expire and locked months' usage statements are issued. */
  LICENSE_SWEEP_MS: z.coerce.number().int().min(1_000).default(60 * 60 * 1000),
  ...expiringVariables,
  ...retentionVariables,
  ...lifecycleVariables,
  ...replayGuardVariables,
}).superRefine(retentionsInOrder);

export type LicensesConfig = z.infer<typeof schema>;

/** Production refuses to start on the published development gateway secret or a short one. */
const productionRules = { secrets: ['GATEWAY_SECRET'] };

/** The only reader of process.env in the subgraph. */
export function loadLicensesConfig(env: Record<string, string | undefined> = process.env): LicensesConfig {
  return parseConfig(schema, env, productionRules);
}
