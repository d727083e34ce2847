import { READ_ALL_ROLES, requireClaims, requireRole, STAFF_ROLES, type Claims } from '@hub/auth';
import { ForbiddenError } from '@hub/domain';

/** Computing, approving and paying statements is for vendor admins. */
export function requireAdmin(claims: Claims | null): Claims {
  return requireRole(claims, ['vendor_admin']);
}

export function requireStaff(claims: Claims | null): Claims {
  return requireRole(claims, STAFF_ROLES);
}

/** Staff and BI read every payee's figures; a partner or distributor only its own. */
export function canReadPayee(claims: Claims, payee: { kind: 'PARTNER' | 'DISTRIBUTOR'; id: string }): boolean {
  if (READ_ALL_ROLES.includes(claims.role)) return true;
  if (claims.role === 'partner') return payee.kind === 'PARTNER' && payee.id === claims.partnerId;
  if (claims.role === 'distributor') return payee.kind === 'DISTRIBUTOR' && payee.id === claims.distributorId;
  return false;
}

export function assertCanReadPayee(claims: Claims | null, payee: { kind: 'PARTNER' | 'DISTRIBUTOR'; id: string }, what: string): Claims {
  const caller = requireClaims(claims);
  if (!canReadPayee(caller, payee)) throw new ForbiddenError(`You may not read ${what}`);
  return caller;
}
