import { describe, expect, it } from 'vitest';
import { contractOf } from '@hub/contracts';
import { EndCustomerEntity, LicenseEntity, LicenseTermEntity, SkuEntity } from '../entities';
import { skuSavedPayload } from './catalog-events';
import type { LicenseEventType } from './events';
import { licenseEventPayload } from './license-events';

const license = Object.assign(new LicenseEntity(), {
  id: '01900000-0000-7000-8000-000000000004',
  partnerId: '01900000-0000-7000-8000-000000000001',
  distributorId: '01900000-0000-7000-8000-000000000002',
  customerId: '01900000-0000-7000-8000-000000000005',
  sku: 'ENDPOINT-ADV-T',
  productLine: 'ENDPOINT',
  seats: 25,
  deployment: 'CLOUD' as const,
  status: 'ACTIVE' as const,
  programCode: 'FR-2023',
  currency: 'EUR',
  startsOn: '2026-06-15',
  endsOn: '2027-06-14',
  sourceDealId: null,
  sourceLine: null,
  revokedReason: null,
});
const customer = Object.assign(new EndCustomerEntity(), { id: license.customerId, partnerId: license.partnerId, name: 'Kunde GmbH', key: 'kunde gmbh|de', country: 'DE', domain: null });
const renewal = Object.assign(new LicenseTermEntity(), {
  id: 't2',
  licenseId: license.id,
  sequence: 2,
  kind: 'RENEWAL' as const,
  startsOn: '2027-06-15',
  endsOn: '2028-06-14',
  months: 12,
  seats: 25,
  amount: 1_124_325n,
  currency: 'EUR',
  distributorId: license.distributorId,
  createdBy: 'api@distri',
});

const types: LicenseEventType[] = ['license.issued', 'license.renewed', 'license.transferred', 'license.deployment_changed', 'license.revoked', 'license.expired'];

describe('the licence and catalog events licenses publishes', () => {
  it.each(types)('builds %s as the catalogue declares it, with or without a term, dropping nothing', (type) => {
    for (const payload of [licenseEventPayload(license, customer), licenseEventPayload(license, customer, renewal, 'renewed by its distributor')]) {
      const parsed = contractOf(type, 1)!.payload.safeParse(payload);
      expect(parsed.error?.issues ?? []).toEqual([]);
      expect(parsed.data).toEqual(payload);
    }
  });

  it('names the distributor that renewed a term, and its amount in minor units', () => {
    expect(licenseEventPayload(license, customer, renewal).term).toMatchObject({ amountMinor: '1124325', renewedByDistributorId: license.distributorId });
  });

  it('builds catalog.sku_saved as the catalogue declares it', () => {
    const payload = skuSavedPayload(Object.assign(new SkuEntity(), { code: 'ENDPOINT-ADV-T', name: 'Endpoint Advanced (term)', productLine: 'ENDPOINT', billing: 'TERM' as const }));
    expect(contractOf('catalog.sku_saved', 1)!.payload.parse(payload)).toEqual(payload);
  });
});
