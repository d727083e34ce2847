import type { Database } from '@hub/db';
import { keysetPage, rawRows } from '@hub/db';
import { formatAmount } from '@hub/domain';
import { EXPORT_PAGE_SIZE, monthRange, pagedRows, type ExportDatasets, type ExportRequest } from '@hub/graphql-kit';
import { UsageStatementLineEntity } from '../entities';

const LINE_COLUMNS = ['id', 'statementId', 'position', 'sku', 'seats', 'tierFromSeats', 'unitPrice', 'amount'] as const;
const STATEMENT_COLUMNS = {
  month: 'statement.month',
  partnerId: 'statement.partnerId',
  distributorId: 'statement.distributorId',
  programCode: 'statement.programCode',
  statementStatus: 'statement.status',
  currency: 'statement.currency',
  productLine: 'sku.productLine',
} as const;

type LineRow = Pick<UsageStatementLineEntity, (typeof LINE_COLUMNS)[number]> & Record<keyof typeof STATEMENT_COLUMNS, string | null>;

/**
 * `usage-statement-lines`: every line of the usage statements of the quarters' months (open and
 * issued: `statementStatus` tells them apart), with the statement's partner, distributor and
 * currency and the SKU's product line, by line id.
 */
async function* usageLineRows(database: Database, { quarters }: ExportRequest) {
  const { fromMonth, toMonth } = monthRange(quarters);
  const query = database.dataSource.manager
    .createQueryBuilder(UsageStatementLineEntity, 'line')
    .innerJoin('usage_statement', 'statement', 'statement.id = line.statementId')
    .leftJoin('sku', 'sku', 'sku.code = line.sku')
    .where('statement.month BETWEEN :fromMonth AND :toMonth', { fromMonth, toMonth });
  const rows = pagedRows((after) =>
    keysetPage(query, [{ column: 'line.id', value: (l) => l.id }], { first: EXPORT_PAGE_SIZE, after }, {
      count: false,
      rows: (paged) => rawRows(paged, { columns: LINE_COLUMNS, computed: STATEMENT_COLUMNS }) as never,
    }),
  );
  for await (const line of rows as AsyncIterable<LineRow>) {
    const currency = line.currency!;
    yield {
      id: line.id,
      statementId: line.statementId,
      month: line.month,
      partnerId: line.partnerId,
      distributorId: line.distributorId,
      programCode: line.programCode,
      statementStatus: line.statementStatus,
      position: line.position,
      sku: line.sku,
      productLine: line.productLine,
      seats: line.seats,
      tierFromSeats: line.tierFromSeats,
      unitPrice: formatAmount(line.unitPrice, currency),
      amount: formatAmount(line.amount, currency),
      currency,
    };
  }
}

export function licensesExports(database: Database): ExportDatasets {
  return { 'usage-statement-lines': (request) => usageLineRows(database, request) };
}
