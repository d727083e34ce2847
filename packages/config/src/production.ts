import { DEV_GATEWAY_SECRET, DEV_JWT_SECRET } from './secrets';

type Env = Record<string, string | undefined>;

export const MIN_SECRET_BYTES = 32;

// Published in this repository, so anyone can sign with them: fine on a laptop, fatal in production.
const DEVELOPMENT_SECRETS: ReadonlySet<string> = new Set([DEV_JWT_SECRET, DEV_GATEWAY_SECRET]);

export function isProduction(env: Env): boolean {
  return env.NODE_ENV === 'production';
}

const isSet = (value: string | undefined): value is string => value !== undefined && value !== '';

/** Why `value` cannot be a production secret, or undefined when it can. */
export function secretProblem(value: string): string | undefined {
  if (DEVELOPMENT_SECRETS.has(value)) return 'is a published development secret';
  const bytes = Buffer.byteLength(value, 'utf8');
  if (bytes < MIN_SECRET_BYTES) return `must be at least ${MIN_SECRET_BYTES} bytes (has ${bytes})`;
  return undefined;
}

/**
 * A JWKS serves the keys of an identity provider that signs tokens for many applications; only
 * the issuer and audience claims say a token was meant for this hub. Checked in every mode.
 */
export function jwksProblems(env: Env): string[] {
  if (!isSet(env.JWKS_URL)) return [];
  return ['JWT_ISSUER', 'JWT_AUDIENCE'].filter((name) => !isSet(env[name])).map((name) => `${name}: is required with JWKS_URL`);
}

export interface ProductionRules {
  /** Variables that hold a secret every production process must set itself. */
  secrets: readonly string[];
  /**
   * The process verifies callers' tokens, so it needs JWT_SECRET or JWKS_URL; JWT_SECRET is
   * checked as a secret when it is set (a JWKS makes it unnecessary).
   */
  verifiesTokens?: boolean;
}

/**
 * What stops this environment from running in production, one line per variable (empty outside
 * production). Development defaults fill unset secrets, so the raw environment is read here.
 */
export function productionProblems(env: Env, rules: ProductionRules): string[] {
  if (!isProduction(env)) return [];
  const problems: string[] = [];
  const checkSecret = (name: string, value: string) => {
    const problem = secretProblem(value);
    if (problem) problems.push(`${name}: ${problem}`);
  };
  for (const name of rules.secrets) {
    const value = env[name];
    if (isSet(value)) checkSecret(name, value);
    else problems.push(`${name}: must be set in production`);
  }
  if (rules.verifiesTokens) {
    if (isSet(env.JWT_SECRET)) checkSecret('JWT_SECRET', env.JWT_SECRET);
    else if (!isSet(env.JWKS_URL)) problems.push('JWT_SECRET: set JWT_SECRET or JWKS_URL in production');
  }
  return problems;
}
