import { databaseUrl, DEV_GATEWAY_SECRET, eventsRetentionConfig, LOCAL_REDIS_URL, redisUrl, lifecycleVariables, replayGuardVariables, parseConfig, port, secret, z } from '@hub/config';
import { checkRetentions } from '@hub/events';

/** OUTBOX_RETENTION and PROCESSED_EVENT_RETENTION, declared once in @hub/config. */
const retention = eventsRetentionConfig(checkRetentions);
export const { eventsRetention, loadEventsRetention } = retention;

const schema = z.object({
  PORT: port(4001),
  HOST: z.string().default('0.0.0.0'),
  DATABASE_URL: databaseUrl,
  SQLITE_FILE: z.string().default('.data/partners.sqlite'),
  GATEWAY_SECRET: secret(DEV_GATEWAY_SECRET),
  REDIS_URL: redisUrl.default(LOCAL_REDIS_URL),
  SEED_DEMO_DATA: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
  ...retention.variables,
  ...lifecycleVariables,
  ...replayGuardVariables,
}).superRefine(retention.inOrder);

export type PartnersConfig = z.infer<typeof schema>;

/** Production refuses to start on the published development gateway secret or a short one. */
const productionRules = { secrets: ['GATEWAY_SECRET'] };

/** The only reader of process.env in the subgraph. */
export function loadPartnersConfig(env: Record<string, string | undefined> = process.env): PartnersConfig {
  return parseConfig(schema, env, productionRules);
}
