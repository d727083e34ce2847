import { In, type DataSource } from 'typeorm';
import { manyLoader, oneLoader } from '@hub/graphql-kit';
import { DealEntity } from '../entities/deal.entity';
import { DealLineEntity } from '../entities/deal-line.entity';

/** Per-request loaders: a list of N deals costs one query per relation, not one per deal. */
export function createDealsLoaders(dataSource: DataSource) {
  const manager = dataSource.manager;
  return {
    deal: oneLoader((ids) => manager.findBy(DealEntity, { id: In([...ids]) }), (deal) => deal.id),
    linesByDeal: manyLoader(
      (ids) => manager.find(DealLineEntity, { where: { dealId: In([...ids]) }, order: { position: 'ASC' } }),
      (line) => line.dealId,
    ),
  };
}

export type DealsLoaders = ReturnType<typeof createDealsLoaders>;
