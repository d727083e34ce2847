import { READ_ALL_ROLES, requireRole, type Claims } from '@hub/auth';
import type { Database } from '@hub/db';
import { quarterRange, quartersBetween } from '@hub/graphql-kit';
import { medianDays, medianWindow, ratio } from '../domain/funnel';
import { DealEntity } from '../entities';

export interface PipelineFunnel {
  programCode: string;
  period: string;
  registered: number;
  approved: number;
  won: number;
  /** approved / registered, 4 decimals. */
  approvalRate: string | null;
  /** won / approved, 4 decimals. */
  winRate: string | null;
  medianDaysToApproval: string | null;
  medianDaysToWin: string | null;
}

/** Won, or won and reversed since: both were won. */
const WON = "deal.status IN ('WON', 'REVERSED')";

/**
 * The pipeline funnel of each quarter's registrations: how many were registered, approved and
 * won, the conversion between the steps and the median days from registration to approval and
 * from approval to the win. Counted by the database (COUNT, one query a quarter), and each median
 * read as the one or two middle values of the sorted durations (ORDER BY … LIMIT 2 OFFSET n),
 * the duration spelled for MariaDB/MySQL and SQLite.
 */
export class PipelineFunnelService {
  constructor(private readonly database: Database) {}

  async periods(claims: Claims | null, programCode: string, from: string, to: string): Promise<PipelineFunnel[]> {
    requireRole(claims, READ_ALL_ROLES);
    const result: PipelineFunnel[] = [];
    for (const period of quartersBetween(from, to)) result.push(await this.period(programCode, period));
    return result;
  }

  private cohort(programCode: string, period: string) {
    const { fromDate, untilDate } = quarterRange([period]);
    return this.database.dataSource.manager
      .createQueryBuilder(DealEntity, 'deal')
      .where('deal.programCode = :programCode AND deal.registeredAt >= :fromDate AND deal.registeredAt < :untilDate', { programCode, fromDate, untilDate });
  }

  private async period(programCode: string, period: string): Promise<PipelineFunnel> {
    const counts = await this.cohort(programCode, period)
      .select('COUNT(*)', 'registered')
      .addSelect('COUNT(deal.approvedAt)', 'approved')
      .addSelect(`SUM(CASE WHEN ${WON} THEN 1 ELSE 0 END)`, 'won')
      .addSelect(`SUM(CASE WHEN ${WON} AND deal.approvedAt IS NOT NULL THEN 1 ELSE 0 END)`, 'wonAfterApproval')
      .getRawOne<Record<string, string | number | null>>();
    const registered = Number(counts?.registered ?? 0);
    const approved = Number(counts?.approved ?? 0);
    const won = Number(counts?.won ?? 0);
    const sqlite = this.database.dialect === 'sqlite';
    // Seconds from registration to approval; whole days from the approval's day to the close date.
    const toApproval = sqlite
      ? 'CAST(ROUND((julianday(deal.approvedAt) - julianday(deal.registeredAt)) * 86400) AS INTEGER)'
      : 'TIMESTAMPDIFF(SECOND, deal.registeredAt, deal.approvedAt)';
    const toWin = sqlite ? 'CAST(julianday(deal.closedAt) - julianday(date(deal.approvedAt)) AS INTEGER)' : 'DATEDIFF(deal.closedAt, deal.approvedAt)';
    const [approvalMiddle, winMiddle] = await Promise.all([
      this.middle(programCode, period, toApproval, 'deal.approvedAt IS NOT NULL', approved),
      this.middle(programCode, period, toWin, `${WON} AND deal.approvedAt IS NOT NULL AND deal.closedAt IS NOT NULL`, Number(counts?.wonAfterApproval ?? 0)),
    ]);
    return {
      programCode,
      period,
      registered,
      approved,
      won,
      approvalRate: ratio(BigInt(approved), BigInt(registered), 4),
      winRate: ratio(BigInt(won), BigInt(approved), 4),
      medianDaysToApproval: medianDays(approvalMiddle, 86_400n),
      medianDaysToWin: medianDays(winMiddle, 1n),
    };
  }

  /** The middle one or two values of `expression` over the cohort's rows matching `condition`. */
  private async middle(programCode: string, period: string, expression: string, condition: string, count: number): Promise<bigint[]> {
    if (count === 0) return [];
    const { offset, take } = medianWindow(count);
    const rows = await this.cohort(programCode, period)
      .andWhere(condition)
      .select(expression, 'value')
      .orderBy('value', 'ASC')
      .offset(offset)
      .limit(take)
      .getRawMany<{ value: string | number }>();
    return rows.map((row) => BigInt(row.value));
  }
}
