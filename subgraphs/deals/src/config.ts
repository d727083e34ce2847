import { databaseUrl, DEV_GATEWAY_SECRET, eventsRetentionConfig, LOCAL_REDIS_URL, redisUrl, lifecycleVariables, replayGuardVariables, duration, flag, parseConfig, port, secret, z } from '@hub/config';
import { checkRetentions } from '@hub/events';
import { DEV_WEBHOOK_SECRET_KEY, parseSecretKey } from './services/webhook-secrets';

/** Who may receive webhooks and how their signing secrets are kept; `pnpm start` embeds deals and reads only these. */
const webhookVariables = {
  NODE_ENV: z.string().default('development'),
  /** The one switch for loopback and private-network receivers (tests, local development). */
  WEBHOOK_ALLOW_PRIVATE: flag(false),
  /** 32 bytes, hex or base64, sealing the signing secrets at rest (AES-256-GCM); production requires it (see below). */
  WEBHOOK_SECRET_KEY: z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined || value === '') return undefined;
      const key = parseSecretKey(value);
      if (key) return key;
      ctx.addIssue({ code: 'custom', message: 'must be 32 bytes written as 64 hex digits or base64' });
      return z.NEVER;
    }),
  /** How long the previous secret still signs after a rotation (seconds, or `30m`, `24h`, `7d`). */
  WEBHOOK_SECRET_OVERLAP: duration(24 * 60 * 60),
};

/** Production refuses to start without its own key: the development key is in this repository. */
const productionRules = { secrets: ['WEBHOOK_SECRET_KEY'] };

const DAY_S = 24 * 60 * 60;

/** OUTBOX_RETENTION and PROCESSED_EVENT_RETENTION, declared once in @hub/config. */
const retention = eventsRetentionConfig(checkRetentions);
export const { eventsRetention, loadEventsRetention } = retention;

/**
 * The deal feed (`dealEvents`, `dealUpdated(after:)`): how long a distributor integration may be
 * away and still resume, and how often each instance reads the feed when no wake-up came.
 */
const dealFeedVariables = {
  DEAL_FEED_RETENTION: duration(30 * DAY_S),
  DEAL_FEED_POLL_MS: z.coerce.number().int().min(50).max(60_000).default(1_000),
};

export interface DealFeedSettings {
  retentionMs: number;
  pollMs: number;
}

/** The deal feed's settings from a loaded config. */
export function dealFeedSettings(config: { DEAL_FEED_RETENTION: number; DEAL_FEED_POLL_MS: number }): DealFeedSettings {
  return { retentionMs: config.DEAL_FEED_RETENTION * 1000, pollMs: config.DEAL_FEED_POLL_MS };
}

/** Only the deal feed variables, for the embedded hub. */
export function loadDealFeedSettings(env: Record<string, string | undefined> = process.env): DealFeedSettings {
  return dealFeedSettings(parseConfig(z.object(dealFeedVariables), env));
}

const schema = z.object({
  PORT: port(4002),
  HOST: z.string().default('0.0.0.0'),
  DATABASE_URL: databaseUrl,
  SQLITE_FILE: z.string().default('.data/deals.sqlite'),
  GATEWAY_SECRET: secret(DEV_GATEWAY_SECRET),
  REDIS_URL: redisUrl.default(LOCAL_REDIS_URL),
  /** How often due webhook deliveries are looked for. */
  WEBHOOK_DISPATCH_MS: z.coerce.number().int().min(50).default(1_000),
  /** Attempts per webhook delivery, the first included, before it is FAILED. */
  WEBHOOK_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(30).default(8),
  ...webhookVariables,
  ...retention.variables,
  ...lifecycleVariables,
  ...replayGuardVariables,
  ...dealFeedVariables,
}).superRefine(retention.inOrder);

export type DealsConfig = z.infer<typeof schema>;

/** The only reader of process.env in the subgraph. */
export function loadDealsConfig(env: Record<string, string | undefined> = process.env): DealsConfig {
  // Standalone, the subgraph holds the gateway secret too (embedded, the gateway's config checks it).
  return parseConfig(schema, env, { secrets: ['GATEWAY_SECRET', ...productionRules.secrets] });
}

const webhookSchema = z.object(webhookVariables);

export interface WebhookSecurity {
  allowPrivate: boolean;
  httpsOnly: boolean;
  secretKey: Buffer;
  secretOverlapMs: number;
}

/** The webhook settings of a loaded config, with the development key where none is set (never in production: see above). */
export function webhookSecurity(config: z.infer<typeof webhookSchema>): WebhookSecurity {
  return {
    allowPrivate: config.WEBHOOK_ALLOW_PRIVATE,
    httpsOnly: config.NODE_ENV === 'production',
    secretKey: config.WEBHOOK_SECRET_KEY ?? DEV_WEBHOOK_SECRET_KEY,
    secretOverlapMs: config.WEBHOOK_SECRET_OVERLAP * 1000,
  };
}

/** Only the webhook variables, for the embedded hub, whose ports and databases the gateway's config sets. */
export function loadWebhookSecurity(env: Record<string, string | undefined> = process.env): WebhookSecurity {
  return webhookSecurity(parseConfig(webhookSchema, env, productionRules));
}
