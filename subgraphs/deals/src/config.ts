import { databaseUrl, DEV_GATEWAY_SECRET, parseConfig, port, secret, z } from '@hub/config';

const schema = z.object({
  PORT: port(4002),
  HOST: z.string().default('0.0.0.0'),
  DATABASE_URL: databaseUrl,
  SQLITE_FILE: z.string().default('.data/deals.sqlite'),
  GATEWAY_SECRET: secret(DEV_GATEWAY_SECRET),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must be a redis:// URL').default('redis://127.0.0.1:6379'),
  /** How often due webhook deliveries are looked for. */
  WEBHOOK_DISPATCH_MS: z.coerce.number().int().min(50).default(1_000),
  /** Attempts per webhook delivery, the first included, before it is FAILED. */
  WEBHOOK_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(30).default(8),
});

export type DealsConfig = z.infer<typeof schema>;

/** The only reader of process.env in the subgraph. */
export function loadDealsConfig(env: Record<string, string | undefined> = process.env): DealsConfig {
  return parseConfig(schema, env);
}
