import { Between, Brackets, In } from 'typeorm';
import type { Claims } from '@hub/auth';
import { READ_ALL_ROLES, requireClaims } from '@hub/auth';
import { keysetPage, type Database, type KeysetPage } from '@hub/db';
import { ForbiddenError, InvalidInputError } from '@hub/domain';
import { parseQuarter, quarterBounds, type Quarter } from '../domain';
import { DealFactEntity, PartnerFactEntity, StatementEntity, UsageFactEntity } from '../entities';
import { loadPrograms, PartnerHistories } from './ledger-reader';

export interface PartnerMetricsFilter {
  programCode?: string | null;
  tierCode?: string | null;
  country?: string | null;
  status?: string | null;
  segmentFocus?: string | null;
  distributorId?: string | null;
  nameContains?: string | null;
}

export interface PartnerMetrics {
  partnerId: string;
  period: Quarter;
  currency: string;
  tierCode: string;
  programCode: string;
  newBusinessRevenueMinor: bigint;
  renewalRevenueMinor: bigint;
  dealsWon: number;
  dealsReversed: number;
  /** Totals of the period's statements to the partner (any status). */
  payoutsMinor: bigint;
  /** Issued usage statements of the quarter's months. */
  usageMinor: bigint;
}

/**
 * Per-partner figures for a quarter, for BI: revenue, deals, payouts, usage and the tier at the
 * quarter's end, read from the ledger a page of partners at a time in a fixed number of queries.
 */
export class MetricsService {
  constructor(private readonly database: Database) {}

  async page(claims: Claims | null, periodInput: string, filter: PartnerMetricsFilter, page: { first: number; after?: string }): Promise<KeysetPage<PartnerMetrics>> {
    const caller = requireClaims(claims);
    const period = parseQuarter('period', periodInput);
    const { from, to } = quarterBounds(period);
    const manager = this.database.dataSource.manager;
    const query = manager.createQueryBuilder(PartnerFactEntity, 'partner');
    // BI and staff read every partner; a partner its own row only.
    if (caller.role === 'partner') query.andWhere('partner.id = :me', { me: caller.partnerId });
    else if (!READ_ALL_ROLES.includes(caller.role)) throw new ForbiddenError('Partner metrics are for BI, staff and each partner itself');
    if (filter.programCode) query.andWhere('partner.programCode = :programCode', { programCode: filter.programCode });
    if (filter.country) query.andWhere('partner.country = :country', { country: filter.country.trim().toUpperCase() });
    if (filter.status) query.andWhere('partner.status = :status', { status: filter.status });
    if (filter.segmentFocus) query.andWhere('partner.segmentFocus = :segmentFocus', { segmentFocus: filter.segmentFocus });
    if (filter.distributorId != null) query.andWhere('partner.distributorIds LIKE :distributor', { distributor: `%"${filter.distributorId}"%` });
    if (filter.nameContains) {
      if (filter.nameContains.length > 200) throw new InvalidInputError('filter.nameContains', 'must be at most 200 characters');
      query.andWhere(new Brackets((name) => name.where('LOWER(partner.name) LIKE :name', { name: `%${filter.nameContains!.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%` })));
    }
    if (filter.tierCode) {
      // The tier in force on the quarter's last day, from the effective-dated ledger, so pages and totals stay exact.
      query.andWhere(
        '(SELECT tier.tierCode FROM tier_fact tier WHERE tier.partnerId = partner.id AND tier.effectiveFrom <= :to ORDER BY tier.effectiveFrom DESC, tier.recordedAt DESC LIMIT 1) = :tierCode',
        { to, tierCode: filter.tierCode },
      );
    }
    const partners = await keysetPage(query, [{ column: 'partner.id', value: (p) => p.id }], page);
    const ids = partners.nodes.map((p) => p.id);
    const metrics = ids.length > 0 ? await this.metrics(ids, period, from, to) : new Map<string, PartnerMetrics>();
    const nodes = partners.nodes.map((p) => metrics.get(p.id)!);
    return { nodes, hasNextPage: partners.hasNextPage, totalCount: partners.totalCount, cursorOf: (m) => partners.cursorOf({ id: m.partnerId } as PartnerFactEntity) };
  }

  private async metrics(ids: string[], period: Quarter, from: string, to: string): Promise<Map<string, PartnerMetrics>> {
    const manager = this.database.dataSource.manager;
    // The revenue sum comes back as text: SQLite would hand an integer past 2^53 back as an inexact double.
    const [deals, statements, usage, programs] = await Promise.all([
      manager
        .createQueryBuilder(DealFactEntity, 'deal')
        .select(['deal.partnerId AS partnerId', 'deal.status AS status', "CASE WHEN deal.type = 'RENEWAL' THEN 1 ELSE 0 END AS renewal", 'COUNT(*) AS deals', 'CAST(SUM(deal.amount) AS CHAR) AS amount'])
        .where("deal.partnerId IN (:...ids) AND deal.status IN ('WON', 'REVERSED') AND deal.closedOn BETWEEN :from AND :to", { ids, from, to })
        .groupBy('deal.partnerId')
        .addGroupBy('deal.status')
        .addGroupBy('renewal')
        .getRawMany<{ partnerId: string; status: string; renewal: string | number; deals: string | number; amount: string | number }>(),
      manager.find(StatementEntity, { select: { payeeId: true, total: true }, where: { payeeKind: 'PARTNER', payeeId: In(ids), period } }),
      manager.find(UsageFactEntity, { select: { partnerId: true, total: true }, where: { partnerId: In(ids), month: Between(from.slice(0, 7), to.slice(0, 7)) } }),
      loadPrograms(manager),
    ]);
    const histories = await PartnerHistories.load(manager, ids, programs);
    const result = new Map<string, PartnerMetrics>();
    for (const id of ids) {
      const partner = histories.partner(id)!;
      const own = deals.filter((d) => d.partnerId === id);
      const won = own.filter((d) => d.status === 'WON');
      result.set(id, {
        partnerId: id,
        period,
        currency: partner.currency,
        programCode: partner.programCode,
        tierCode: histories.standingOn(id, to)!.tierCode,
        newBusinessRevenueMinor: won.filter((d) => Number(d.renewal) === 0).reduce((sum, d) => sum + BigInt(d.amount), 0n),
        renewalRevenueMinor: won.filter((d) => Number(d.renewal) === 1).reduce((sum, d) => sum + BigInt(d.amount), 0n),
        dealsWon: won.reduce((sum, d) => sum + Number(d.deals), 0),
        dealsReversed: own.filter((d) => d.status === 'REVERSED').reduce((sum, d) => sum + Number(d.deals), 0),
        payoutsMinor: statements.filter((s) => s.payeeId === id).reduce((sum, s) => sum + s.total, 0n),
        usageMinor: usage.filter((u) => u.partnerId === id).reduce((sum, u) => sum + u.total, 0n),
      });
    }
    return result;
  }
}
