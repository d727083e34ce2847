import { Between, In } from 'typeorm';
import { mdfPayout, ruleInEffect } from '../../domain';
import { MdfClaimEntity, MdfRequestEntity } from '../../entities';
import { distinctIds, type PayoutSource } from './page-ledger';

/** MDF claims approved in the quarter, paid in full under the MDF version in effect on the approval day. */
export const mdfSource: PayoutSource = {
  name: 'MDF claims',
  payeeKinds: ['PARTNER'],
  payees: (scope) =>
    distinctIds(
      scope.manager
        .createQueryBuilder(MdfClaimEntity, 'claim')
        .select('DISTINCT claim.partnerId', 'id')
        .where("claim.status = 'APPROVED' AND claim.decidedOn BETWEEN :from AND :to", { from: scope.from, to: scope.to })
        .getRawMany(),
    ),
  async lines(ledger, rules) {
    const { ids } = ledger.page;
    const claims = await ledger.once('mdf:claims', () => ledger.manager.findBy(MdfClaimEntity, { status: 'APPROVED', decidedOn: Between(ledger.from, ledger.to), partnerId: In(ids) }));
    if (claims.length === 0) return [];
    const [histories, requests] = await Promise.all([
      ledger.histories(ids),
      ledger.once('mdf:requests', () => ledger.manager.findBy(MdfRequestEntity, { id: In(claims.map((c) => c.requestId)) })),
    ]);
    const activityOf = new Map(requests.map((r) => [r.id, r.activity]));
    return claims.map((claim) => {
      const program = histories.partner(claim.partnerId)?.programCode;
      const version = program ? (ruleInEffect(rules, program, 'MDF', claim.decidedOn!)?.version ?? 1) : 1;
      return mdfPayout(
        { claimId: claim.id, partnerId: claim.partnerId, amountMinor: claim.amount, currency: claim.currency, activity: activityOf.get(claim.requestId) ?? '', proofOfPerformance: claim.proofOfPerformance, decidedOn: claim.decidedOn! },
        version,
      );
    });
  },
};
