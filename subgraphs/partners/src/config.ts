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

const schema = z.object({
  PORT: port(4001),
  HOST: z.string().default('0.0.0.0'),
  DATABASE_URL: databaseUrl,
  SQLITE_FILE: z.string().default('.data/partners.sqlite'),
  GATEWAY_SECRET: secret(DEV_GATEWAY_SECRET),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must be a redis:// URL').default('redis://127.0.0.1:6379'),
  SEED_DEMO_DATA: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
  ...retentionVariables,
  ...lifecycleVariables,
  ...replayGuardVariables,
}).superRefine(retentionsInOrder);

export type PartnersConfig = z.infer<typeof schema>;

/** Production refuses to start on the published development gateway secret or a short one. */
const productionRules = { secrets: ['GATEWAY_SECRET'] };

/** The only reader of process.env in the subgraph. */
export function loadPartnersConfig(env: Record<string, string | undefined> = process.env): PartnersConfig {
  return parseConfig(schema, env, productionRules);
}
