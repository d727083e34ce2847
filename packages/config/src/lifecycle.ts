import { z } from 'zod';

/** A positive whole number of milliseconds; unset or blank means `fallback`. */
const milliseconds = (fallback: number) =>
  z
    .string()
    .optional()
    .transform((text, ctx) => {
      if (text === undefined || text.trim() === '') return fallback;
      const value = Number(text);
      if (!Number.isInteger(value) || value <= 0) {
        ctx.addIssue({ code: 'custom', message: 'must be a positive whole number of milliseconds' });
        return z.NEVER;
      }
      return value;
    });

/**
 * What bounds a subgraph process's waits, the same in each: the database's connect and
 * statement timeouts (far above what a healthy request needs) and how long a drain on SIGTERM
 * may take before the process exits anyway (below Kubernetes' 30 s grace period).
 */
export const lifecycleVariables = {
  DB_CONNECT_TIMEOUT_MS: milliseconds(5_000),
  DB_QUERY_TIMEOUT_MS: milliseconds(30_000),
  SHUTDOWN_TIMEOUT_MS: milliseconds(25_000),
};

/** The database timeouts (@hub/db openDatabase's `timeouts`) from a loaded config. */
export function databaseTimeouts(config: { DB_CONNECT_TIMEOUT_MS: number; DB_QUERY_TIMEOUT_MS: number }): { connectMs: number; queryMs: number } {
  return { connectMs: config.DB_CONNECT_TIMEOUT_MS, queryMs: config.DB_QUERY_TIMEOUT_MS };
}

/**
 * What a standalone subgraph does with signed gateway requests while Redis, where their nonces
 * are shared between instances, cannot answer: check them in the process's memory and keep
 * serving (`memory`), or refuse them as unavailable (`refuse`). See shareGatewayNonces.
 */
export const replayGuardVariables = {
  GATEWAY_NONCES_WITHOUT_REDIS: z.enum(['memory', 'refuse']).default('memory'),
};
