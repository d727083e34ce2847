import { canReadPartner, requireClaims, requireRole, STAFF_ROLES, type Claims } from '@hub/auth';
import { ForbiddenError } from '@hub/domain';
import type { PartnersLoaders } from '../loaders/partners.loaders';

/** Staff and BI read every partner, a partner itself only, a distributor the partners that buy through it. */
export async function assertCanReadPartner(claims: Claims | null, partnerId: string, loaders: PartnersLoaders): Promise<void> {
  const caller = requireClaims(claims);
  if (canReadPartner(caller, partnerId)) return;
  if (caller.role === 'distributor') {
    const links = await loaders.distributorIdsByPartner.load(partnerId);
    if (links.some((link) => link.distributorId === caller.distributorId)) return;
  }
  throw new ForbiddenError(`You may not read partner ${partnerId}`);
}

export function requireStaff(claims: Claims | null): Claims {
  return requireRole(claims, STAFF_ROLES);
}
