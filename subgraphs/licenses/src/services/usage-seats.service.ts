import { READ_ALL_ROLES, requireRole, type Claims } from '@hub/auth';
import type { Database } from '@hub/db';
import { monthRange, quartersBetween } from '@hub/graphql-kit';

export interface UsageSeats {
  programCode: string;
  /** The month, "2026-09". */
  period: string;
  productLine: string;
  seats: number;
}

/**
 * Seats of a program's usage statements (open and issued) per month and product line, summed by
 * the database (one GROUP BY over the statement lines joined to their SKU), for BI and staff.
 */
export class UsageSeatsService {
  constructor(private readonly database: Database) {}

  async periods(claims: Claims | null, programCode: string, from: string, to: string): Promise<UsageSeats[]> {
    requireRole(claims, READ_ALL_ROLES);
    const { fromMonth, toMonth } = monthRange(quartersBetween(from, to));
    const rows = await this.database.dataSource.manager
      .createQueryBuilder()
      .select('statement.month', 'period')
      .addSelect('sku.productLine', 'productLine')
      .addSelect('SUM(line.seats)', 'seats')
      .from('usage_statement_line', 'line')
      .innerJoin('usage_statement', 'statement', 'statement.id = line.statementId')
      .innerJoin('sku', 'sku', 'sku.code = line.sku')
      .where('statement.programCode = :programCode AND statement.month BETWEEN :fromMonth AND :toMonth', { programCode, fromMonth, toMonth })
      .groupBy('statement.month')
      .addGroupBy('sku.productLine')
      .orderBy('statement.month')
      .addOrderBy('sku.productLine')
      .getRawMany<{ period: string; productLine: string; seats: string | number }>();
    return rows.map((row) => ({ programCode, period: row.period, productLine: row.productLine, seats: Number(row.seats) }));
  }
}
