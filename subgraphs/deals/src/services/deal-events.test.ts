import { describe, expect, it } from 'vitest';
import { contractOf } from '@hub/contracts';
import { DealEntity } from '../entities/deal.entity';
import { DealLineEntity } from '../entities/deal-line.entity';
import { DEAL_EVENT_KINDS, DEAL_EVENT_VERSION, dealEventPayload, dealEventType } from './deal-events';

const deal = Object.assign(new DealEntity(), {
  id: '01900000-0000-7000-8000-000000000003',
  partnerId: '01900000-0000-7000-8000-000000000001',
  distributorId: null,
  referringPartnerId: '01900000-0000-7000-8000-00000000000f',
  programCode: 'FR-2023',
  type: 'NEW_CUSTOMER' as const,
  productLine: 'ENDPOINT',
  segment: 'ENTERPRISE' as const,
  seats: 30,
  amount: 1_124_325n + 59_950n,
  currency: 'EUR',
  status: 'WON' as const,
  customerName: 'Kunde GmbH',
  customerCountry: 'DE',
  customerDomain: null,
  registeredAt: new Date('2026-05-15T10:00:00.000Z'),
  approvedAt: new Date('2026-05-16T10:00:00.000Z'),
  expiresAt: '2026-08-14',
  expectedCloseDate: '2026-06-30',
  closedAt: '2026-06-15',
  reason: null,
  conflictWithId: null,
});
const lines = [
  Object.assign(new DealLineEntity(), { position: 1, sku: 'ENDPOINT-STD-T', seats: 5, unitPrice: 11_990n, amount: 59_950n }),
  Object.assign(new DealLineEntity(), { position: 0, sku: 'ENDPOINT-ADV-T', seats: 25, unitPrice: 44_973n, amount: 1_124_325n }),
];

describe('the deal events deals publishes', () => {
  it.each(DEAL_EVENT_KINDS.map((kind) => [dealEventType(kind), kind] as const))('builds %s as the catalogue declares it, dropping nothing', (type, kind) => {
    const payload = dealEventPayload(kind, deal, lines);
    const parsed = contractOf(type, DEAL_EVENT_VERSION)!.payload.safeParse(payload);
    expect(parsed.error?.issues ?? []).toEqual([]);
    expect(parsed.data).toEqual(payload);
  });

  it('sends money as strings of minor units and lines in their order', () => {
    const payload = dealEventPayload('WON', deal, lines);
    expect(payload.amountMinor).toBe('1184275');
    expect(payload.lines.map((line) => [line.sku, line.amountMinor])).toEqual([
      ['ENDPOINT-ADV-T', '1124325'],
      ['ENDPOINT-STD-T', '59950'],
    ]);
  });
});
