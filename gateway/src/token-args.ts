import { parseArgs } from 'node:util';
import { claimsFromPayload, isRole, ROLES, type Claims } from '@hub/auth';

export const TOKEN_USAGE = `usage: pnpm -s token --role <role> [--partner <id>] [--distributor <id>] [--sub <subject>] [--expires 12h]
  roles: ${ROLES.join(', ')}
  --partner is required for (and only for) --role partner, --distributor for --role distributor (ids as the hub gives them)
  --expires: a number and a unit s, m, h, d or w (default 12h), at most JWT_MAX_TTL`;

export class UsageError extends Error {
  constructor(problem: string) {
    super(`${problem}\n${TOKEN_USAGE}`);
    this.name = 'UsageError';
  }
}

export interface TokenRequest {
  claims: Claims;
  expiresIn: string;
}

const SECONDS_PER_UNIT: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 };

/**
 * Turns `pnpm token` arguments into the claims of a development token, or a usage error: the
 * claims pass the gateway's own check and the lifetime its maximum, so no token is printed that
 * the gateway would refuse.
 */
export function parseTokenArgs(args: readonly string[], maxTtlSeconds = 24 * 3600): TokenRequest {
  let values: { role?: string; partner?: string; distributor?: string; sub?: string; expires?: string };
  try {
    ({ values } = parseArgs({
      args: [...args],
      options: {
        role: { type: 'string' },
        partner: { type: 'string' },
        distributor: { type: 'string' },
        sub: { type: 'string' },
        expires: { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }

  const { role, partner, distributor } = values;
  if (!role) throw new UsageError('--role is required');
  if (!isRole(role)) throw new UsageError(`unknown role "${role}"`);
  if (role === 'partner' && !partner) throw new UsageError('--role partner needs --partner <partnerId>');
  if (role === 'distributor' && !distributor) throw new UsageError('--role distributor needs --distributor <distributorId>');
  if (partner && role !== 'partner') throw new UsageError('--partner only applies to --role partner');
  if (distributor && role !== 'distributor') throw new UsageError('--distributor only applies to --role distributor');
  const expiresIn = values.expires ?? '12h';
  if (!/^\d+[smhdw]$/.test(expiresIn)) throw new UsageError(`--expires "${expiresIn}" is not like 30m, 12h or 7d`);
  if (Number(expiresIn.slice(0, -1)) * SECONDS_PER_UNIT[expiresIn.slice(-1)]! > maxTtlSeconds) {
    throw new UsageError(`--expires ${expiresIn} is longer than tokens may live (${maxTtlSeconds} s, JWT_MAX_TTL)`);
  }

  const sub = values.sub ?? `dev-${partner ?? distributor ?? role}`;
  try {
    const claims = claimsFromPayload({ sub, role, partnerId: partner, distributorId: distributor });
    return { claims, expiresIn };
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}
