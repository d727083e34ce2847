import { In, type DataSource } from 'typeorm';
import { oneLoader } from '@hub/graphql-kit';
import { PartnerRefEntity } from '../entities/partner-ref.entity';

/**
 * What deals answers of a partner itself (`Partner.name`, see `@provides` on `DealEvent.deal`),
 * from the copy `partnerFactsConsumer` keeps current from partners' events: as fresh as the last
 * partner event deals has consumed, not a read of the partners subgraph.
 */
export interface PartnerFacts {
  id: string;
  name: string;
  /** Decides which distributors may read the partner, as the partners subgraph does. */
  distributorIds: string[];
}

/** One partner's facts; null when deals does not know the partner. */
export type PartnerFactsLookup = (partnerId: string) => Promise<PartnerFacts | null>;

async function readPartnerFacts(dataSource: DataSource, ids: readonly string[]): Promise<PartnerFacts[]> {
  const refs = await dataSource.manager.find(PartnerRefEntity, { where: { id: In([...ids]) }, select: { id: true, name: true, distributorIds: true } });
  return refs.map((ref) => ({ id: ref.id, name: ref.name, distributorIds: ref.distributorIds }));
}

/** For live updates: read once per event, then shared by every subscriber. */
export function partnerFactsLookup(dataSource: DataSource): PartnerFactsLookup {
  return async (partnerId) => (await readPartnerFacts(dataSource, [partnerId]))[0] ?? null;
}

/** Per request: the partners of a page of deals in one query. */
export function partnerFactsLoader(dataSource: DataSource) {
  return oneLoader((ids) => readPartnerFacts(dataSource, ids), (facts) => facts.id);
}
