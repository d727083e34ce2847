import DataLoader from 'dataloader';
import { In, type DataSource } from 'typeorm';
import { keysetPagesByParent, perArguments, type KeysetPage } from '@hub/db';
import { manyLoader, oneLoader } from '@hub/graphql-kit';
import { MdfAllocationEntity, MdfClaimEntity, MdfRequestEntity, PayoutLineEntity, StatementEntity } from '../entities';
import type { DealIncentives, DealIncentivesService } from '../services/deal-incentives.service';
import type { PartnerStandingView, StandingService } from '../services/standing.service';

/** Per-request loaders: N deals' quotes, N partners' standings or statements cost a fixed number of queries. */
export function createIncentivesLoaders(dataSource: DataSource, deals: DealIncentivesService, standing: StandingService) {
  const manager = dataSource.manager;
  return {
    statement: oneLoader((ids) => manager.findBy(StatementEntity, { id: In([...ids]) }), (statement) => statement.id),
    /** Partner.statements: each partner's page, two statements for every partner asking for the same page. */
    statementsOfPartner: perArguments(
      (page: { first: number; after?: string }) =>
        new DataLoader<string, KeysetPage<StatementEntity>>(async (partnerIds) => {
          const query = manager.createQueryBuilder(StatementEntity, 'statement').where("statement.payeeKind = 'PARTNER'");
          const pages = await keysetPagesByParent(
            query,
            { column: 'statement.payeeId', of: (statement) => statement.payeeId },
            { column: 'statement.id', value: (statement) => statement.id },
            partnerIds,
            page,
          );
          return partnerIds.map((id) => pages.get(id)!);
        }),
    ),
    linesByStatement: manyLoader(
      (ids) => manager.find(PayoutLineEntity, { where: { statementId: In([...ids]) }, order: { position: 'ASC' } }),
      (line) => line.statementId,
    ),
    allocationsByPartner: manyLoader(
      (ids) => manager.find(MdfAllocationEntity, { where: { partnerId: In([...ids]) }, order: { period: 'ASC' } }),
      (allocation) => allocation.partnerId,
    ),
    requestsByAllocation: manyLoader(
      (ids) => manager.find(MdfRequestEntity, { where: { allocationId: In([...ids]) }, order: { id: 'ASC' } }),
      (request) => request.allocationId,
    ),
    claimsByRequest: manyLoader(
      (ids) => manager.find(MdfClaimEntity, { where: { requestId: In([...ids]) }, order: { id: 'ASC' } }),
      (claim) => claim.requestId,
    ),
    dealIncentives: new DataLoader<string, DealIncentives | undefined>(async (ids) => {
      const computed = await deals.compute(ids);
      return ids.map((id) => computed.get(id));
    }),
    /** Keyed `<partnerId>|<asOf>`: one batch per date asked. */
    standing: new DataLoader<string, PartnerStandingView | undefined>(async (keys) => {
      const byDate = new Map<string, string[]>();
      for (const key of keys) {
        const [partnerId, asOf] = key.split('|') as [string, string];
        byDate.set(asOf, [...(byDate.get(asOf) ?? []), partnerId]);
      }
      const results = new Map<string, PartnerStandingView>();
      for (const [asOf, partnerIds] of byDate) {
        for (const [partnerId, view] of await standing.standings(partnerIds, asOf)) results.set(`${partnerId}|${asOf}`, view);
      }
      return keys.map((key) => results.get(key));
    }),
  };
}

export type IncentivesLoaders = ReturnType<typeof createIncentivesLoaders>;
