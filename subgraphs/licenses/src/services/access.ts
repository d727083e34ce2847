import { READ_ALL_ROLES, requireClaims, requireRole, STAFF_ROLES, type Claims } from '@hub/auth';
import { ForbiddenError } from '@hub/domain';

/** What decides who may see a licence, master licence or statement: its partner and its distributor. */
export interface Holding {
  partnerId: string;
  distributorId: string | null;
}

/** Staff and BI read everything; a partner what it owns; a distributor what it serves. */
export function canRead(claims: Claims, holding: Holding): boolean {
  if (READ_ALL_ROLES.includes(claims.role)) return true;
  if (claims.role === 'partner') return holding.partnerId === claims.partnerId;
  if (claims.role === 'distributor') return holding.distributorId !== null && holding.distributorId === claims.distributorId;
  return false;
}

export function assertCanRead(claims: Claims | null, holding: Holding, what: string): Claims {
  const caller = requireClaims(claims);
  if (!canRead(caller, holding)) throw new ForbiddenError(`You may not read ${what}`);
  return caller;
}

export function requireStaff(claims: Claims | null): Claims {
  return requireRole(claims, STAFF_ROLES);
}

export function isStaff(claims: Claims): boolean {
  return STAFF_ROLES.includes(claims.role);
}

/** The owning partner or staff. */
export function assertOwnerOrStaff(claims: Claims | null, partnerId: string, what: string): Claims {
  const caller = requireClaims(claims);
  if (isStaff(caller)) return caller;
  if (caller.role === 'partner' && caller.partnerId === partnerId) return caller;
  throw new ForbiddenError(`You may not change ${what}`);
}

/** The owning partner, the distributor that serves it here, or staff. */
export function assertPartySide(claims: Claims | null, holding: Holding, what: string): Claims {
  const caller = requireClaims(claims);
  if (isStaff(caller)) return caller;
  if (caller.role === 'partner' && caller.partnerId === holding.partnerId) return caller;
  if (caller.role === 'distributor' && holding.distributorId !== null && caller.distributorId === holding.distributorId) return caller;
  throw new ForbiddenError(`You may not act on ${what}`);
}

/** A partner acting on, or asking about, another partner is refused before anything is looked up. */
export function assertNotAnotherPartner(claims: Claims | null, partnerId: string, what: string): Claims {
  const caller = requireClaims(claims);
  if (caller.role === 'partner' && caller.partnerId !== partnerId) throw new ForbiddenError(`You may not access ${what}`);
  return caller;
}
