import { In, LessThanOrEqual } from 'typeorm';
import type { Claims } from '@hub/auth';
import type { Database } from '@hub/db';
import { type Clock, type IsoDate } from '@hub/domain';
import { tierOn, tierStanding, trailingYear, type TierDefinition, type TierStanding } from '../domain';
import { DealFactEntity, PartnerFactEntity, RenewalFactEntity, TierFactEntity, type ProgramFactEntity } from '../entities';
import { assertCanReadPayee } from './access';
import { loadPrograms, PartnerHistories, programOn } from './ledger-reader';

export interface PartnerStandingView extends TierStanding {
  partnerId: string;
  asOf: IsoDate;
  programCode: string;
  currency: string;
  newBusinessRevenueMinor: bigint;
  renewalRevenueMinor: bigint;
  certifiedStaff: number;
}

/**
 * Tier standing from the ledger: trailing-12-month new-business revenue (renewals counted
 * apart, never toward thresholds), certified staff on the date, and the tier that earns, with
 * the grace date and tier capacity applied as a review would.
 */
export class StandingService {
  constructor(
    private readonly database: Database,
    private readonly clock: Clock,
  ) {}

  asOf(input: string | null | undefined): IsoDate {
    return input ?? this.clock.today();
  }

  authorize(claims: Claims | null, partnerId: string): void {
    assertCanReadPayee(claims, { kind: 'PARTNER', id: partnerId }, `the standing of partner ${partnerId}`);
  }

  /** Standings of many partners on one date in a fixed number of queries. */
  async standings(partnerIds: readonly string[], asOf: IsoDate): Promise<Map<string, PartnerStandingView>> {
    const manager = this.database.dataSource.manager;
    const ids = [...new Set(partnerIds)];
    const programs = await loadPrograms(manager);
    const histories = await PartnerHistories.load(manager, ids, programs);
    const { after, through } = trailingYear(asOf);
    // Sums come back as text: SQLite would hand an integer past 2^53 back as an inexact double.
    const revenue = await manager
      .createQueryBuilder(DealFactEntity, 'deal')
      .select(['deal.partnerId AS partnerId', "CASE WHEN deal.type = 'RENEWAL' THEN 1 ELSE 0 END AS renewal", 'CAST(SUM(deal.amount) AS CHAR) AS amount'])
      .where("deal.partnerId IN (:...ids) AND deal.status = 'WON' AND deal.closedOn > :after AND deal.closedOn <= :through", { ids, after, through })
      .groupBy('deal.partnerId')
      .addGroupBy('renewal')
      .getRawMany<{ partnerId: string; renewal: number | string; amount: string | number }>();
    const renewals = await manager
      .createQueryBuilder(RenewalFactEntity, 'renewal')
      .select(['renewal.partnerId AS partnerId', 'CAST(SUM(renewal.amount) AS CHAR) AS amount'])
      .where('renewal.partnerId IN (:...ids) AND renewal.renewedOn > :after AND renewal.renewedOn <= :through', { ids, after, through })
      .groupBy('renewal.partnerId')
      .getRawMany<{ partnerId: string; amount: string | number }>();
    const occupancy = await this.occupancy(histories, ids, programs, asOf);

    const result = new Map<string, PartnerStandingView>();
    for (const partnerId of ids) {
      const partner = histories.partner(partnerId);
      const fact = partner && programs.get(partner.programCode);
      const program = fact && { ...programOn(fact, asOf), code: fact.code, currency: fact.currency };
      if (!partner || !program || program.tiers.length === 0) continue;
      const sum = (renewal: boolean) => revenue.filter((r) => r.partnerId === partnerId && Number(r.renewal) === (renewal ? 1 : 0)).reduce((total, r) => total + BigInt(r.amount), 0n);
      const newBusiness = sum(false);
      const renewal = sum(true) + renewals.filter((r) => r.partnerId === partnerId).reduce((total, r) => total + BigInt(r.amount), 0n);
      const certifiedStaff = histories.certifiedStaffOn(partnerId, asOf);
      const standing = tierStanding({
        asOf,
        ladder: ladderOf(program),
        currentTierCode: histories.standingOn(partnerId, asOf)!.tierCode,
        noDowngradeUntil: program.noDowngradeUntil,
        newBusinessRevenueMinor: newBusiness,
        certifiedStaff,
        othersHolding: occupancy.get(partnerId) ?? {},
      });
      result.set(partnerId, { ...standing, partnerId, asOf, programCode: program.code, currency: program.currency, newBusinessRevenueMinor: newBusiness, renewalRevenueMinor: renewal, certifiedStaff });
    }
    return result;
  }

  /** For each partner, how many other partners of its program hold each capped tier on the date. */
  private async occupancy(histories: PartnerHistories, ids: string[], programs: Map<string, ProgramFactEntity>, asOf: IsoDate): Promise<Map<string, Record<string, number>>> {
    const cappedPrograms = [...programs.values()].filter((program) => programOn(program, asOf).tiers.some((tier) => tier.capacity !== null)).map((program) => program.code);
    const relevant = ids.filter((id) => cappedPrograms.includes(histories.partner(id)?.programCode ?? ''));
    if (relevant.length === 0) return new Map();
    const manager = this.database.dataSource.manager;
    const members = await manager.find(PartnerFactEntity, { select: { id: true, programCode: true }, where: { programCode: In(cappedPrograms) } });
    const assignments = await manager.find(TierFactEntity, { where: { partnerId: In(members.map((m) => m.id)), effectiveFrom: LessThanOrEqual(asOf) } });
    const byPartner = new Map<string, TierFactEntity[]>();
    for (const assignment of assignments) byPartner.set(assignment.partnerId, [...(byPartner.get(assignment.partnerId) ?? []), assignment]);
    const holders = new Map<string, Map<string, Set<string>>>();
    for (const member of members) {
      const tier = tierOn(byPartner.get(member.id) ?? [], asOf);
      if (!tier) continue;
      const program = holders.get(member.programCode) ?? new Map<string, Set<string>>();
      program.set(tier, (program.get(tier) ?? new Set()).add(member.id));
      holders.set(member.programCode, program);
    }
    return new Map(
      relevant.map((id) => {
        const program = holders.get(histories.partner(id)!.programCode) ?? new Map<string, Set<string>>();
        return [id, Object.fromEntries([...program].map(([tier, partners]) => [tier, partners.size - (partners.has(id) ? 1 : 0)]))];
      }),
    );
  }
}

export function ladderOf(program: Pick<ProgramFactEntity, 'tiers'>): TierDefinition[] {
  return program.tiers.map((tier) => ({ code: tier.code, rank: tier.rank, minRevenueMinor: BigInt(tier.minRevenueMinor), minCertifiedStaff: tier.minCertifiedStaff, capacity: tier.capacity }));
}
