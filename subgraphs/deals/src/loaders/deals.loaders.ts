import DataLoader from 'dataloader';
import { In, type DataSource } from 'typeorm';
import type { Claims } from '@hub/auth';
import { perArguments, type KeysetPage } from '@hub/db';
import { manyLoader, oneLoader } from '@hub/graphql-kit';
import { DealEntity } from '../entities/deal.entity';
import { DealLineEntity } from '../entities/deal-line.entity';
import { dealPagesByPartner, type DealFilter } from '../services/deals.service';

/** Per-request loaders: a list of N deals costs one query per relation, not one per deal. */
export function createDealsLoaders(dataSource: DataSource) {
  const manager = dataSource.manager;
  return {
    deal: oneLoader((ids) => manager.findBy(DealEntity, { id: In([...ids]) }), (deal) => deal.id),
    linesByDeal: manyLoader(
      (ids) => manager.find(DealLineEntity, { where: { dealId: In([...ids]) }, order: { position: 'ASC' } }),
      (line) => line.dealId,
    ),
    /** Partner.deals: every partner asking for the same page and filter shares one batch. */
    dealsOfPartner: perArguments(
      ({ claims, filter, page }: { claims: Claims | null; filter: DealFilter; page: { first: number; after?: string } }) =>
        new DataLoader<string, KeysetPage<DealEntity>>(async (partnerIds) => {
          const pages = await dealPagesByPartner(manager, claims, filter, partnerIds, page);
          return partnerIds.map((id) => pages.get(id)!);
        }),
    ),
  };
}

export type DealsLoaders = ReturnType<typeof createDealsLoaders>;
