import { databaseUrl, DEV_GATEWAY_SECRET, eventsRetentionConfig, LOCAL_REDIS_URL, redisUrl, lifecycleVariables, replayGuardVariables, parseConfig, port, secret, z } from '@hub/config';
import { checkRetentions } from '@hub/events';

/** OUTBOX_RETENTION and PROCESSED_EVENT_RETENTION, declared once in @hub/config. */
const retention = eventsRetentionConfig(checkRetentions);
export const { eventsRetention, loadEventsRetention } = retention;

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
  REDIS_URL: redisUrl.default(LOCAL_REDIS_URL),
  /** How often lapsed term licences expire and locked months' usage statements are issued. */
  LICENSE_SWEEP_MS: z.coerce.number().int().min(1_000).default(60 * 60 * 1000),
  ...expiringVariables,
  ...retention.variables,
  ...lifecycleVariables,
  ...replayGuardVariables,
}).superRefine(retention.inOrder);

export type LicensesConfig = z.infer<typeof schema>;

/** Production refuses to start on the published development gateway secret or a short one. */
const productionRules = { secrets: ['GATEWAY_SECRET'] };

/** The only reader of process.env in the subgraph. */
export function loadLicensesConfig(env: Record<string, string | undefined> = process.env): LicensesConfig {
  return parseConfig(schema, env, productionRules);
}
