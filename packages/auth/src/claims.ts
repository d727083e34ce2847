import { z } from '@hub/config';
import { ForbiddenError, UnauthenticatedError } from '@hub/domain';

export const MAX_SUBJECT_LENGTH = 200;

export const ROLES = ['vendor_admin', 'channel_manager', 'partner', 'distributor', 'bi'] as const;
export type Role = (typeof ROLES)[number];

/** What a verified token says about the caller; the only identity subgraphs ever see. */
export interface Claims {
  sub: string;
  role: Role;
  partnerId?: string;
  distributorId?: string;
}

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/**
 * Partners and distributors are identified by the UUIDs `newId` in @hub/db gives them (always
 * lower-case). An id claim in any other form names no one, so it is refused rather than
 * matched against anything.
 */
export const ID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const id = z.string({ error: 'is required for this role' }).regex(ID_PATTERN, 'must be a partner or distributor id');
// Refused rather than dropped: a token that gives a staff member a partner's id was issued
// wrongly, and a reader of the claims should never have to wonder which of the two counts.
const absent = z.never({ error: 'must not be set for this role' }).optional();
// The subject is recorded as who made a change and shows up in logs: no control, format or
// line-separator characters, no padding, and a length we can keep.
const subject = z
  .string({ error: 'is required' })
  .min(1, 'is required')
  .max(MAX_SUBJECT_LENGTH, `must be at most ${MAX_SUBJECT_LENGTH} characters`)
  .regex(/^[^\p{C}\p{Zl}\p{Zp}]+$/u, 'must be printable')
  .refine((value) => value.trim() === value, 'must not start or end with spaces');

/** Each role with exactly the ids it needs; any other key of a JWT payload (exp, iss…) is ignored. */
const claimsSchema = z.discriminatedUnion(
  'role',
  [
    z.object({ sub: subject, role: z.literal('partner'), partnerId: id, distributorId: absent }),
    z.object({ sub: subject, role: z.literal('distributor'), distributorId: id, partnerId: absent }),
    z.object({ sub: subject, role: z.enum(['vendor_admin', 'channel_manager', 'bi']), partnerId: absent, distributorId: absent }),
  ],
  { error: `must be one of ${ROLES.join(', ')}` },
);

/** Reads claims out of a verified JWT payload (or the gateway's forwarded claims), or says why they are unusable. */
export function claimsFromPayload(payload: unknown): Claims {
  const result = claimsSchema.safeParse(payload);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.') || 'claims'} ${issue.message}`);
    throw new UnauthenticatedError(`token claims refused: ${problems.join('; ')}`);
  }
  const { sub, role, partnerId, distributorId } = result.data;
  return {
    sub,
    role,
    ...(partnerId === undefined ? {} : { partnerId }),
    ...(distributorId === undefined ? {} : { distributorId }),
  };
}

export const STAFF_ROLES: readonly Role[] = ['vendor_admin', 'channel_manager'];
export const READ_ALL_ROLES: readonly Role[] = ['vendor_admin', 'channel_manager', 'bi'];

/**
 * Contexts hold `null` for a request without a token and optional fields hold `undefined`; both
 * mean "no caller", so either is taken as it is.
 */
export function requireClaims(claims: Claims | null | undefined): Claims {
  if (!claims) throw new UnauthenticatedError();
  return claims;
}

export function requireRole(claims: Claims | null | undefined, roles: readonly Role[]): Claims {
  const caller = requireClaims(claims);
  if (!roles.includes(caller.role)) throw new ForbiddenError(`This needs one of the roles: ${roles.join(', ')}`);
  return caller;
}

/**
 * The partner a partner's claims speak for. Claims are validated on arrival, so this refuses
 * only claims built some other way; it is here so that scoping code never turns a missing or
 * empty id into a query without that condition (a partner token with partnerId '' once listed
 * every partner).
 */
export function ownPartnerId(claims: Claims): string {
  if (claims.role !== 'partner' || claims.partnerId === undefined || !ID_PATTERN.test(claims.partnerId)) {
    throw new UnauthenticatedError('these claims speak for no partner');
  }
  return claims.partnerId;
}

/** The distributor a distributor's claims speak for; see ownPartnerId. */
export function ownDistributorId(claims: Claims): string {
  if (claims.role !== 'distributor' || claims.distributorId === undefined || !ID_PATTERN.test(claims.distributorId)) {
    throw new UnauthenticatedError('these claims speak for no distributor');
  }
  return claims.distributorId;
}

/** Staff and BI read every partner; a partner reads only itself. */
export function canReadPartner(claims: Claims, partnerId: string): boolean {
  if (READ_ALL_ROLES.includes(claims.role)) return true;
  return claims.role === 'partner' && claims.partnerId === partnerId;
}
