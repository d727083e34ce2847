import { Brackets } from 'typeorm';
import { dealPayouts, mdfPayout, nextQuarter, quarterOf, ruleInEffect, type PayoutLine } from '../../domain';
import { DealFactEntity, MdfClaimEntity, PayoutLineEntity, StatementEntity } from '../../entities';
import { dealFacts, dealRuleSet } from '../ledger-reader';
import { distinctIds, FINAL, type PayoutSource } from './page-ledger';

/**
 * What a frozen statement missed: a deal won (or backdated) into a quarter after that quarter's
 * statement was computed, or an MDF claim approved after it, has no line in any approved or
 * paid statement. It is paid in the first open quarter after its own, like a clawback in
 * reverse. A quarter never computed for the payee is not "missed": computing it pays them.
 */
export const lateCatchUpSource: PayoutSource = {
  name: 'late catch-up',
  payeeKinds: ['PARTNER'],
  async payees({ manager, dialect, from }) {
    const earliest = await manager
      .createQueryBuilder(StatementEntity, 'statement')
      .select('MIN(statement.computedAt)', 'at')
      .where("statement.status IN ('APPROVED', 'PAID')")
      .getRawOne<{ at: Date | string | null }>();
    if (!earliest?.at) return [];
    const late = manager.createQueryBuilder(DealFactEntity, 'deal').where("deal.status = 'WON' AND deal.closedOn < :from AND deal.lastEventAt > :at", { from, at: new Date(earliest.at) });
    const claimSource = dialect === 'mysql' ? "CONCAT('mdf-claim:', claim.id)" : "'mdf-claim:' || claim.id";
    const found = await Promise.all([
      distinctIds(late.clone().select('DISTINCT deal.partnerId', 'id').getRawMany()),
      distinctIds(late.clone().select('DISTINCT deal.referringPartnerId', 'id').andWhere('deal.referringPartnerId IS NOT NULL').getRawMany()),
      distinctIds(
        manager
          .createQueryBuilder(MdfClaimEntity, 'claim')
          .select('DISTINCT claim.partnerId', 'id')
          .where("claim.status = 'APPROVED' AND claim.decidedOn < :from", { from })
          .andWhere(`NOT EXISTS (SELECT 1 FROM payout_line paid WHERE paid.source = ${claimSource})`)
          .getRawMany(),
      ),
    ]);
    return found.flat();
  },
  async lines(ledger, rules) {
    const { ids: partnerIds, period } = ledger.page;
    const { all, frozen } = await ledger.statements();
    const finals = all.filter((st) => FINAL.includes(st.status));
    if (finals.length === 0) return [];
    const frozenAt = new Map(finals.map((st) => [`${st.payeeId}:${st.period}`, st.computedAt]));
    const earliest = new Date(Math.min(...finals.map((st) => st.computedAt.getTime())));
    const paidFor = (alias: string, source: string) =>
      `NOT EXISTS (SELECT 1 FROM payout_line paid INNER JOIN statement frozen ON frozen.id = paid.statementId WHERE ${source} AND frozen.payeeId = ${alias} AND frozen.status IN ('APPROVED', 'PAID'))`;
    const { deals, claims, alreadyPaid } = await ledger.once('late', async () => {
      const deals = await ledger.manager
        .createQueryBuilder(DealFactEntity, 'deal')
        .where("deal.status = 'WON' AND deal.closedOn < :from AND deal.lastEventAt > :earliest", { from: ledger.from, earliest })
        .andWhere(new Brackets((payee) => payee.where('deal.partnerId IN (:...partnerIds)', { partnerIds }).orWhere('deal.referringPartnerId IN (:...partnerIds)')))
        .getMany();
      const claims = await ledger.manager
        .createQueryBuilder(MdfClaimEntity, 'claim')
        .where("claim.status = 'APPROVED' AND claim.decidedOn < :from AND claim.partnerId IN (:...partnerIds)", { from: ledger.from, partnerIds })
        .andWhere(paidFor('claim.partnerId', `paid.source = ${ledger.claimSource('claim')}`))
        .getMany();
      const alreadyPaid =
        deals.length === 0
          ? new Set<string>()
          : new Set(
              (
                await ledger.manager
                  .createQueryBuilder(PayoutLineEntity, 'line')
                  .innerJoin(StatementEntity, 'statement', 'statement.id = line.statementId')
                  .select(['line.dealId AS dealId', 'statement.payeeId AS payeeId'])
                  .where("line.dealId IN (:...dealIds) AND statement.status IN ('APPROVED', 'PAID')", { dealIds: deals.map((d) => d.dealId) })
                  .getRawMany<{ dealId: string; payeeId: string }>()
              ).map((row) => `${row.payeeId}:${row.dealId}`),
            );
      return { deals, claims, alreadyPaid };
    });
    const dueHere = (payeeId: string, ownQuarter: string) => frozen.firstOpenFrom(payeeId, nextQuarter(ownQuarter)) === period;
    const lines: PayoutLine[] = [];
    const histories = await ledger.histories([...deals.map((d) => d.partnerId), ...claims.map((c) => c.partnerId)]);
    for (const row of deals) {
      const quarter = quarterOf(row.closedOn!);
      const standing = histories.standingOn(row.partnerId, row.closedOn!);
      if (!standing) continue;
      for (const line of dealPayouts(dealFacts(row), standing, dealRuleSet(rules, row.programCode, row.closedOn!), ['SELLER', 'REFERRER'])) {
        const computedAt = frozenAt.get(`${line.payee.id}:${quarter}`);
        if (!partnerIds.includes(line.payee.id) || !computedAt || row.lastEventAt <= computedAt) continue;
        if (alreadyPaid.has(`${line.payee.id}:${row.dealId}`) || !dueHere(line.payee.id, quarter)) continue;
        lines.push({ ...line, explanation: `Late: closed ${row.closedOn} after the ${quarter} statement was computed. ${line.explanation}` });
      }
    }
    for (const claim of claims) {
      const quarter = quarterOf(claim.decidedOn!);
      if (!frozenAt.has(`${claim.partnerId}:${quarter}`) || !dueHere(claim.partnerId, quarter)) continue;
      const program = histories.partner(claim.partnerId)?.programCode;
      const version = program ? ruleInEffect(rules, program, 'MDF', claim.decidedOn!)?.version : undefined;
      if (version === undefined) continue;
      const line = mdfPayout({ claimId: claim.id, partnerId: claim.partnerId, amountMinor: claim.amount, currency: claim.currency, activity: '', proofOfPerformance: claim.proofOfPerformance, decidedOn: claim.decidedOn! }, version);
      lines.push({ ...line, explanation: `Late: approved ${claim.decidedOn} after the ${quarter} statement was computed. ${line.explanation}` });
    }
    return lines;
  },
};
