import { databaseUrl, DEV_GATEWAY_SECRET, parseConfig, port, secret, z } from '@hub/config';

const schema = z.object({
  PORT: port(4002),
  HOST: z.string().default('0.0.0.0'),
  DATABASE_URL: databaseUrl,
  SQLITE_FILE: z.string().default('.data/deals.sqlite'),
  GATEWAY_SECRET: secret(DEV_GATEWAY_SECRET),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must be a redis:// URL').default('redis://127.0.0.1:6379'),
});

export type DealsConfig = z.infer<typeof schema>;

/** The only reader of process.env in the subgraph. */
export function loadDealsConfig(env: Record<string, string | undefined> = process.env): DealsConfig {
  return parseConfig(schema, env);
}
