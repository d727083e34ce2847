import type { Claims } from '@hub/auth';
import { READ_ALL_ROLES, requireRole } from '@hub/auth';
import type { Database } from '@hub/db';
import { InvalidInputError } from '@hub/domain';
import { quartersBetween } from '@hub/graphql-kit';
import { quarterBounds } from '../domain';
import { ProgramFactEntity } from '../entities';
import { programOn } from './ledger-reader';

export interface TierCount {
  tierCode: string;
  partners: number;
}

export interface RulePayouts {
  rule: string;
  lines: number;
  amountMinor: bigint;
  currency: string;
}

export interface MdfUse {
  allocatedMinor: bigint;
  requestedMinor: bigint;
  claimedMinor: bigint;
  currency: string;
}

export interface ProgramPeriodMetrics {
  programCode: string;
  period: string;
  tierDistribution: TierCount[];
  payoutsByRule: RulePayouts[];
  mdf: MdfUse;
}

type Raw = Record<string, string | number | null>;

/** A SUM as text, so SQLite never hands back an integer past 2^53 as an inexact double. */
const minorOf = (value: string | number | null | undefined): bigint => (value === null || value === undefined ? 0n : BigInt(value));

/**
 * Program-level figures per quarter for BI and staff, each computed by the database (GROUP BY),
 * never by loading rows: the tier distribution on each quarter's last day, payouts by rule kind
 * and MDF allocated / requested / claimed. A fixed number of queries per quarter asked for.
 */
export class ProgramMetricsService {
  constructor(private readonly database: Database) {}

  async periods(claims: Claims | null, programCode: string, from: string, to: string): Promise<ProgramPeriodMetrics[]> {
    requireRole(claims, READ_ALL_ROLES);
    const quarters = quartersBetween(from, to);
    const manager = this.database.dataSource.manager;
    const program = await manager.findOneBy(ProgramFactEntity, { code: programCode });
    if (!program) throw new InvalidInputError('programCode', `"${programCode}" is not a program`);
    const [payouts, mdf] = await Promise.all([this.payoutsByRule(programCode, quarters), this.mdfUse(programCode, quarters)]);
    const result: ProgramPeriodMetrics[] = [];
    for (const period of quarters) {
      const lastDay = quarterBounds(period).to;
      const own = mdf.filter((row) => row.period === period);
      result.push({
        programCode,
        period,
        tierDistribution: await this.tierDistribution(program, lastDay),
        payoutsByRule: payouts
          .filter((row) => row.period === period)
          .map((row) => ({ rule: String(row.rule), lines: Number(row.lines), amountMinor: minorOf(row.amount), currency: String(row.currency) })),
        mdf: {
          currency: program.currency,
          allocatedMinor: own.filter((row) => row.kind === 'allocated').reduce((sum, row) => sum + minorOf(row.amount), 0n),
          requestedMinor: own.filter((row) => row.kind === 'requested').reduce((sum, row) => sum + minorOf(row.amount), 0n),
          claimedMinor: own.filter((row) => row.kind === 'claimed').reduce((sum, row) => sum + minorOf(row.amount), 0n),
        },
      });
    }
    return result;
  }

  /**
   * The program's partners (as the ledger knows them) by the tier in force on `date`: the
   * latest assignment effective on or before it, else the program's lowest tier then, as
   * partner standing and partnerMetrics read it.
   */
  private async tierDistribution(program: ProgramFactEntity, date: string): Promise<TierCount[]> {
    const rows = await this.database.dataSource.manager
      .createQueryBuilder()
      .select(
        '(SELECT tier.tierCode FROM tier_fact tier WHERE tier.partnerId = partner.id AND tier.effectiveFrom <= :date ORDER BY tier.effectiveFrom DESC, tier.recordedAt DESC LIMIT 1)',
        'tierCode',
      )
      .addSelect('COUNT(*)', 'partners')
      .from('partner_fact', 'partner')
      .where('partner.programCode = :programCode', { programCode: program.code, date })
      .groupBy('tierCode')
      .getRawMany<Raw>();
    const lowest = programOn(program, date).tiers.slice().sort((a, b) => a.rank - b.rank)[0]?.code ?? '';
    const counts = new Map<string, number>();
    for (const row of rows) {
      const tierCode = row.tierCode === null ? lowest : String(row.tierCode);
      counts.set(tierCode, (counts.get(tierCode) ?? 0) + Number(row.partners));
    }
    return [...counts].map(([tierCode, partners]) => ({ tierCode, partners })).sort((a, b) => (a.tierCode < b.tierCode ? -1 : a.tierCode > b.tierCode ? 1 : 0));
  }

  /**
   * Statement lines of the quarters by rule kind: a line counts for the program of the deal it
   * derives from, else (a line without a deal) for the partner's program it is paid to.
   */
  private payoutsByRule(programCode: string, quarters: readonly string[]): Promise<Raw[]> {
    return this.database.dataSource.manager
      .createQueryBuilder()
      .select('statement.period', 'period')
      .addSelect('line.rule', 'rule')
      .addSelect('line.currency', 'currency')
      .addSelect('COUNT(*)', 'lines')
      .addSelect('CAST(SUM(line.amount) AS CHAR)', 'amount')
      .from('payout_line', 'line')
      .innerJoin('statement', 'statement', 'statement.id = line.statementId')
      .leftJoin('deal_fact', 'deal', 'deal.dealId = line.dealId')
      .leftJoin('partner_fact', 'payee', "statement.payeeKind = 'PARTNER' AND payee.id = statement.payeeId")
      .where('statement.period IN (:...quarters)', { quarters })
      .andWhere('COALESCE(deal.programCode, payee.programCode) = :programCode', { programCode })
      .groupBy('statement.period')
      .addGroupBy('line.rule')
      .addGroupBy('line.currency')
      .orderBy('statement.period')
      .addOrderBy('line.rule')
      .getRawMany<Raw>();
  }

  /**
   * MDF of the program's partners by the quarter of the allocation: allocated, requested (every
   * request not rejected) and claimed (every claim not rejected), one grouped query each.
   */
  private async mdfUse(programCode: string, quarters: readonly string[]): Promise<Raw[]> {
    const manager = this.database.dataSource.manager;
    const base = (kind: string) =>
      manager
        .createQueryBuilder()
        .select('allocation.period', 'period')
        .addSelect(`'${kind}'`, 'kind')
        .from('mdf_allocation', 'allocation')
        .innerJoin('partner_fact', 'partner', 'partner.id = allocation.partnerId')
        .where('partner.programCode = :programCode AND allocation.period IN (:...quarters)', { programCode, quarters })
        .groupBy('allocation.period');
    const [allocated, requested, claimed] = await Promise.all([
      base('allocated').addSelect('CAST(SUM(allocation.amount) AS CHAR)', 'amount').getRawMany<Raw>(),
      base('requested')
        .innerJoin('mdf_request', 'request', "request.allocationId = allocation.id AND request.status <> 'REJECTED'")
        .addSelect('CAST(SUM(request.amount) AS CHAR)', 'amount')
        .getRawMany<Raw>(),
      base('claimed')
        .innerJoin('mdf_request', 'request', 'request.allocationId = allocation.id')
        .innerJoin('mdf_claim', 'claim', "claim.requestId = request.id AND claim.status <> 'REJECTED'")
        .addSelect('CAST(SUM(claim.amount) AS CHAR)', 'amount')
        .getRawMany<Raw>(),
    ]);
    return [...allocated, ...requested, ...claimed];
  }
}
