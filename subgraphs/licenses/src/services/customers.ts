import type { EntityManager } from 'typeorm';
import { newId } from '@hub/db';
import type { EndCustomer } from '@hub/domain';
import { EndCustomerEntity } from '../entities';

/**
 * The partner's customer with this identity, created on first use. Identity is the normalised
 * name, so "ACME S.A." and "Acme SA" are one customer of a partner; a domain given later fills in.
 */
export async function customerFor(manager: EntityManager, partnerId: string, customer: EndCustomer, now: Date): Promise<EndCustomerEntity> {
  const existing = await manager.findOneBy(EndCustomerEntity, { partnerId, key: customer.key });
  if (existing) {
    if (existing.domain === null && customer.domain !== null) {
      existing.domain = customer.domain;
      await manager.update(EndCustomerEntity, { id: existing.id }, { domain: customer.domain });
    }
    return existing;
  }
  const created = manager.create(EndCustomerEntity, {
    id: newId(),
    partnerId,
    name: customer.name,
    key: customer.key,
    country: customer.country,
    domain: customer.domain,
    createdAt: now,
  });
  // Two first uses of one customer at once: the unique (partner, key) index lets one insert win.
  await manager.createQueryBuilder().insert().into(EndCustomerEntity).values(created).orIgnore().execute();
  return (await manager.findOneBy(EndCustomerEntity, { partnerId, key: customer.key }))!;
}
