import type { EntityManager } from 'typeorm';
import type { DomainEvent } from '@hub/events';
import { DistributorRefEntity, PartnerRefEntity } from '../entities/partner-ref.entity';

interface PartnerSnapshot {
  partnerId: string;
  name: string;
  programCode: string;
  currency: string;
  status: string;
  distributorIds: string[];
}

interface DistributorSnapshot {
  distributorId: string;
  name: string;
}

/**
 * Keeps deals' copy of partner and distributor facts current from the partners subgraph's
 * events. A snapshot older than the one already applied is ignored, so redelivery and replays
 * in any order end in the same state.
 */
export async function applyPartnerEvent(event: DomainEvent, manager: EntityManager): Promise<void> {
  const at = new Date(event.occurredAt);
  if (event.type === 'partner.created' || event.type === 'partner.changed') {
    const snapshot = event.payload as PartnerSnapshot;
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
  } else if (event.type === 'distributor.saved') {
    const snapshot = event.payload as DistributorSnapshot;
    const current = await manager.findOneBy(DistributorRefEntity, { id: snapshot.distributorId });
    if (current && current.updatedAt > at) return;
    await manager.save(DistributorRefEntity, { id: snapshot.distributorId, name: snapshot.name, updatedAt: at });
  }
}
