import type { EntityManager } from 'typeorm';
import type { Database } from '@hub/db';
import { quarterBounds, type Quarter } from '../../domain';
import { DealFactEntity, MdfClaimEntity, PayoutLineEntity, StatementEntity, type PayeeKind } from '../../entities';

/**
 * Everyone the quarter may owe, and everyone with a statement for it already (it may now be
 * empty): the payees of the sources' reads, found with one DISTINCT query each.
 */
export async function payeesOf(manager: EntityManager, dialect: Database['dialect'], kind: PayeeKind, period: Quarter): Promise<string[]> {
  const { from, to } = quarterBounds(period);
  const won = manager.createQueryBuilder(DealFactEntity, 'deal').where("deal.status = 'WON' AND deal.closedOn BETWEEN :from AND :to", { from, to });
  const ids = new Set<string>();
  const add = (rows: { id: string | null }[]) => rows.forEach((row) => row.id && ids.add(row.id));
  if (kind === 'PARTNER') {
    add(await won.clone().select('DISTINCT deal.partnerId', 'id').getRawMany());
    add(await won.clone().select('DISTINCT deal.referringPartnerId', 'id').andWhere('deal.referringPartnerId IS NOT NULL').getRawMany());
    add(
      await manager
        .createQueryBuilder(MdfClaimEntity, 'claim')
        .select('DISTINCT claim.partnerId', 'id')
        .where("claim.status = 'APPROVED' AND claim.decidedOn BETWEEN :from AND :to", { from, to })
        .getRawMany(),
    );
  } else {
    add(await won.clone().select('DISTINCT deal.distributorId', 'id').andWhere('deal.distributorId IS NOT NULL').getRawMany());
  }
  add(await manager.createQueryBuilder(StatementEntity, 'statement').select('DISTINCT statement.payeeId', 'id').where('statement.payeeKind = :kind AND statement.period = :period', { kind, period }).getRawMany());
  // Payees with paid lines of deals reversed since: their clawback may land in this quarter.
  add(
    await manager
      .createQueryBuilder(PayoutLineEntity, 'line')
      .innerJoin(StatementEntity, 'statement', 'statement.id = line.statementId')
      .innerJoin(DealFactEntity, 'deal', 'deal.dealId = line.dealId')
      .select('DISTINCT statement.payeeId', 'id')
      .where("statement.payeeKind = :kind AND statement.status IN ('APPROVED', 'PAID') AND deal.status = 'REVERSED' AND deal.reversedOn <= :to", { kind, to })
      .getRawMany(),
  );
  if (kind === 'PARTNER') {
    // Partners owed something a frozen statement missed (see the late catch-up source).
    const earliest = await manager
      .createQueryBuilder(StatementEntity, 'statement')
      .select('MIN(statement.computedAt)', 'at')
      .where("statement.status IN ('APPROVED', 'PAID')")
      .getRawOne<{ at: Date | string | null }>();
    if (earliest?.at) {
      const late = manager.createQueryBuilder(DealFactEntity, 'deal').where("deal.status = 'WON' AND deal.closedOn < :from AND deal.lastEventAt > :at", { from, at: new Date(earliest.at) });
      add(await late.clone().select('DISTINCT deal.partnerId', 'id').getRawMany());
      add(await late.clone().select('DISTINCT deal.referringPartnerId', 'id').andWhere('deal.referringPartnerId IS NOT NULL').getRawMany());
      const claimSource = dialect === 'mysql' ? "CONCAT('mdf-claim:', claim.id)" : "'mdf-claim:' || claim.id";
      add(
        await manager
          .createQueryBuilder(MdfClaimEntity, 'claim')
          .select('DISTINCT claim.partnerId', 'id')
          .where("claim.status = 'APPROVED' AND claim.decidedOn < :from", { from })
          .andWhere(`NOT EXISTS (SELECT 1 FROM payout_line paid WHERE paid.source = ${claimSource})`)
          .getRawMany(),
      );
    }
    // Partners whose paid quarter-level rebate lost deals to a reversal since (see the clawbacks source).
    add(
      await manager
        .createQueryBuilder(DealFactEntity, 'deal')
        .innerJoin(StatementEntity, 'statement', "statement.payeeId = deal.partnerId AND statement.payeeKind = 'PARTNER' AND statement.status IN ('APPROVED', 'PAID')")
        .innerJoin(PayoutLineEntity, 'line', "line.statementId = statement.id AND line.source LIKE 'quarter:%'")
        .select('DISTINCT deal.partnerId', 'id')
        .where("deal.status = 'REVERSED' AND deal.reversedOn <= :to", { to })
        .getRawMany(),
    );
  }
  return [...ids].sort();
}
