import { canReadPartner, READ_ALL_ROLES, requireClaims, requireRole, STAFF_ROLES, type Claims } from '@hub/auth';
import { ForbiddenError } from '@hub/domain';
import type { DealEntity } from '../entities/deal.entity';
import type { PartnerFacts } from './partner-facts';

/** Staff and BI read every deal; a partner its own and those it referred; a distributor those it fulfils. */
export function canReadDeal(claims: Claims, deal: Pick<DealEntity, 'partnerId' | 'referringPartnerId' | 'distributorId'>): boolean {
  if (READ_ALL_ROLES.includes(claims.role)) return true;
  if (claims.role === 'partner') return deal.partnerId === claims.partnerId || deal.referringPartnerId === claims.partnerId;
  if (claims.role === 'distributor') return deal.distributorId !== null && deal.distributorId === claims.distributorId;
  return false;
}

export function assertCanReadDeal(claims: Claims | null, deal: DealEntity): void {
  if (!canReadDeal(requireClaims(claims), deal)) throw new ForbiddenError(`You may not read deal ${deal.id}`);
}

/**
 * The partners subgraph's rule, applied where deals answers partner fields itself: staff and BI
 * read every partner, a partner itself only, a distributor the partners that buy through it.
 */
export function assertCanReadPartnerFacts(claims: Claims | null, partner: Pick<PartnerFacts, 'id' | 'distributorIds'>): void {
  const caller = requireClaims(claims);
  if (canReadPartner(caller, partner.id)) return;
  if (caller.role === 'distributor' && partner.distributorIds.some((id) => id === caller.distributorId)) return;
  throw new ForbiddenError(`You may not read partner ${partner.id}`);
}

export function requireStaff(claims: Claims | null): Claims {
  return requireRole(claims, STAFF_ROLES);
}

/** Staff register for any partner; a partner only for itself. */
export function assertCanRegisterFor(claims: Claims | null, partnerId: string): Claims {
  const caller = requireClaims(claims);
  if (STAFF_ROLES.includes(caller.role)) return caller;
  if (caller.role === 'partner' && caller.partnerId === partnerId) return caller;
  if (caller.role === 'partner') throw new ForbiddenError('A partner may register deals only for itself');
  throw new ForbiddenError('Only partners and channel staff register deals');
}

/** The registering partner may withdraw its own submission; staff may act on any deal. */
export function assertOwnerOrStaff(claims: Claims | null, deal: DealEntity): Claims {
  const caller = requireClaims(claims);
  if (STAFF_ROLES.includes(caller.role)) return caller;
  if (caller.role === 'partner' && caller.partnerId === deal.partnerId) return caller;
  throw new ForbiddenError(`You may not change deal ${deal.id}`);
}
