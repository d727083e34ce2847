import { describe, expect, it } from 'vitest';
import type { Claims } from '@hub/auth';
import { ForbiddenError } from '@hub/domain';
import { assertCanReadPartnerFacts } from './access';

const partner = { id: 'p-1', distributorIds: ['d-1', 'd-2'] };

describe('reading a partner deals answers itself (the partners subgraph rule)', () => {
  it.each<[string, Claims]>([
    ['staff', { sub: 's', role: 'vendor_admin' }],
    ['BI', { sub: 'b', role: 'bi' }],
    ['the partner itself', { sub: 'p', role: 'partner', partnerId: 'p-1' }],
    ['a distributor it buys through', { sub: 'd', role: 'distributor', distributorId: 'd-2' }],
  ])('lets %s read it', (_who, claims) => {
    expect(() => assertCanReadPartnerFacts(claims, partner)).not.toThrow();
  });

  it.each<[string, Claims]>([
    ['another partner (one that referred its deal)', { sub: 'p', role: 'partner', partnerId: 'p-2' }],
    ['a distributor it does not buy through', { sub: 'd', role: 'distributor', distributorId: 'd-3' }],
    ['a distributor token without a distributor id', { sub: 'd', role: 'distributor' }],
    ['a partner token with an empty partner id', { sub: 'p', role: 'partner', partnerId: '' }],
  ])('refuses %s, as partners does', (_who, claims) => {
    expect(() => assertCanReadPartnerFacts(claims, partner)).toThrow(new ForbiddenError('You may not read partner p-1'));
  });

  it('refuses an unauthenticated caller', () => {
    expect(() => assertCanReadPartnerFacts(null, partner)).toThrow(expect.objectContaining({ code: 'UNAUTHENTICATED' }));
  });
});
