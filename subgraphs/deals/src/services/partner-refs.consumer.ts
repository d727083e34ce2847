import type { EntityManager } from 'typeorm';
import { defineConsumer, type EventPayload } from '@hub/contracts';
import type { DomainEvent } from '@hub/events';
import { DistributorRefEntity, PartnerRefEntity } from '../entities/partner-ref.entity';

export const PARTNER_FACTS_CONSUMER = 'deals.partner-facts';

async function applyPartner(snapshot: EventPayload<'partner.created', 1>, event: DomainEvent, manager: EntityManager): Promise<void> {
  const at = new Date(event.occurredAt);
  const current = await manager.findOneBy(PartnerRefEntity, { id: snapshot.partnerId });
  if (current && current.updatedAt > at) return;
  await manager.save(PartnerRefEntity, {
    id: snapshot.partnerId,
    name: snapshot.name,
    programCode: snapshot.programCode,
    currency: snapshot.currency,
    status: snapshot.status,
    distributorIds: snapshot.distributorIds,
    updatedAt: at,
  });
}

/**
 * Keeps deals' copy of partner and distributor facts current from the partners subgraph's
 * events. A snapshot older than the one already applied is ignored, so redelivery and replays
 * in any order end in the same state.
 */
export const partnerFactsConsumer = defineConsumer(PARTNER_FACTS_CONSUMER, {
  'partner.created': { 1: applyPartner },
  'partner.changed': { 1: applyPartner },
  'distributor.saved': {
    1: async (snapshot, event, manager) => {
      const at = new Date(event.occurredAt);
      const current = await manager.findOneBy(DistributorRefEntity, { id: snapshot.distributorId });
      if (current && current.updatedAt > at) return;
      await manager.save(DistributorRefEntity, { id: snapshot.distributorId, name: snapshot.name, updatedAt: at });
    },
  },
});
