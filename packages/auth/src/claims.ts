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

/** Reads claims out of a verified JWT payload, or explains why they are unusable. */
export function claimsFromPayload(payload: Record<string, unknown>): Claims {
  const { sub, role, partnerId, distributorId } = payload;
  if (typeof sub !== 'string' || sub === '') throw new UnauthenticatedError('token has no subject');
  // The subject is recorded as who made a change; a longer one is not an identity we can keep.
  if (sub.length > MAX_SUBJECT_LENGTH) throw new UnauthenticatedError(`token subject is longer than ${MAX_SUBJECT_LENGTH} characters`);
  if (!isRole(role)) throw new UnauthenticatedError(`token role must be one of ${ROLES.join(', ')}`);
  if (role === 'partner' && typeof partnerId !== 'string') throw new UnauthenticatedError('a partner token needs a partnerId claim');
  if (role === 'distributor' && typeof distributorId !== 'string') {
    throw new UnauthenticatedError('a distributor token needs a distributorId claim');
  }
  return {
    sub,
    role,
    ...(typeof partnerId === 'string' ? { partnerId } : {}),
    ...(typeof distributorId === 'string' ? { distributorId } : {}),
  };
}

export const STAFF_ROLES: readonly Role[] = ['vendor_admin', 'channel_manager'];
export const READ_ALL_ROLES: readonly Role[] = ['vendor_admin', 'channel_manager', 'bi'];

export function requireClaims(claims: Claims | undefined): Claims {
  if (!claims) throw new UnauthenticatedError();
  return claims;
}

export function requireRole(claims: Claims | undefined, roles: readonly Role[]): Claims {
  const caller = requireClaims(claims);
  if (!roles.includes(caller.role)) throw new ForbiddenError(`This needs one of the roles: ${roles.join(', ')}`);
  return caller;
}

/** Staff and BI read every partner; a partner reads only itself. */
export function canReadPartner(claims: Claims, partnerId: string): boolean {
  if (READ_ALL_ROLES.includes(claims.role)) return true;
  return claims.role === 'partner' && claims.partnerId === partnerId;
}
