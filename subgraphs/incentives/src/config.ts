import { databaseUrl, DEV_GATEWAY_SECRET, eventsRetentionConfig, LOCAL_REDIS_URL, redisUrl, lifecycleVariables, replayGuardVariables, parseConfig, port, secret, z } from '@hub/config';
import { checkRetentions } from '@hub/events';

/** OUTBOX_RETENTION and PROCESSED_EVENT_RETENTION, declared once in @hub/config. */
const retention = eventsRetentionConfig(checkRetentions);
export const { eventsRetention, loadEventsRetention } = retention;

const schema = z.object({
  PORT: port(4004),
  HOST: z.string().default('0.0.0.0'),
  DATABASE_URL: databaseUrl,
  SQLITE_FILE: z.string().default('.data/incentives.sqlite'),
  GATEWAY_SECRET: secret(DEV_GATEWAY_SECRET),
  REDIS_URL: redisUrl.default(LOCAL_REDIS_URL),
  ...retention.variables,
  ...lifecycleVariables,
  ...replayGuardVariables,
}).superRefine(retention.inOrder);

export type IncentivesConfig = z.infer<typeof schema>;

/** Production refuses to start on the published development gateway secret or a short one. */
const productionRules = { secrets: ['GATEWAY_SECRET'] };

/** The only reader of process.env in the subgraph. */
export function loadIncentivesConfig(env: Record<string, string | undefined> = process.env): IncentivesConfig {
  return parseConfig(schema, env, productionRules);
}
