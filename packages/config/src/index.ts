import { z } from 'zod';

export class ConfigError extends Error {
  readonly problems: readonly string[];

  constructor(problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/**
 * Parses environment variables against a zod schema and reports every problem at once, so an
 * operator fixes a deployment in one pass rather than one variable per restart.
 */
export function parseConfig<T extends z.ZodType>(schema: T, env: Record<string, string | undefined>): z.infer<T> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  throw new ConfigError(result.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`));
}

/** Development-only defaults; production deployments must set their own secrets. */
export const DEV_JWT_SECRET = 'dev-only-jwt-secret-change-me-0123456789';
export const DEV_GATEWAY_SECRET = 'dev-only-gateway-signing-secret-0123456789';

export const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);

/** An optional MySQL URL: absent means the embedded SQLite default. */
export const databaseUrl = z
  .string()
  .regex(/^(mysql|mariadb):\/\//, 'must be a mysql:// (or mariadb://) URL')
  .optional()
  .or(z.literal('').transform(() => undefined));

export const secret = (fallback: string) => z.string().min(32, 'must be at least 32 characters').default(fallback);

export { z };
