import type { EntityManager } from 'typeorm';
import type { DomainEvent } from '@hub/events';
import { DistributorRefEntity, PartnerRefEntity } from '../entities';

interface PartnerSnapshot {
  partnerId: string;
  name: string;
  programCode: string;
  currency: string;
  status: string;
  businessModels?: string[];
  distributorIds: string[];
}

interface DistributorSnapshot {
  distributorId: string;
  name: string;
  handlesRenewals?: boolean;
  usageBasedProgram?: boolean;
}

export const PARTNER_FACT_TYPES = ['partner.created', 'partner.changed', 'distributor.saved'];

/**
 * Keeps licences' copy of partner and distributor facts current from the partners subgraph's
 * events. An older snapshot than the one applied is ignored, so redelivery and replays in any
 * order end in the same state.
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
      businessModels: snapshot.businessModels ?? [],
      distributorIds: snapshot.distributorIds,
      updatedAt: at,
    });
  } else if (event.type === 'distributor.saved') {
    const snapshot = event.payload as DistributorSnapshot;
    const current = await manager.findOneBy(DistributorRefEntity, { id: snapshot.distributorId });
    if (current && current.updatedAt > at) return;
    await manager.save(DistributorRefEntity, {
      id: snapshot.distributorId,
      name: snapshot.name,
      handlesRenewals: snapshot.handlesRenewals ?? false,
      usageBasedProgram: snapshot.usageBasedProgram ?? false,
      updatedAt: at,
    });
  }
}
