import type { Database } from '@hub/db';
import { keysetPage, rawRows } from '@hub/db';
import { formatAmount } from '@hub/domain';
import { EXPORT_COLUMNS, EXPORT_PAGE_SIZE, pagedRows, quarterRange, type ExportDatasets, type ExportRequest } from '@hub/graphql-kit';
import { DealEntity } from '../entities';

// The export's columns are deals' own: each is read as stored.
const COLUMNS = EXPORT_COLUMNS.deals satisfies readonly (keyof DealEntity)[];

/**
 * `deals`: every deal registered in the quarters asked for, in registration order (ids are
 * UUIDv7), a keyset page at a time. Amounts are exact decimal strings beside their currency.
 */
async function* dealRows(database: Database, { quarters }: ExportRequest) {
  const { fromDate, untilDate } = quarterRange(quarters);
  const query = database.dataSource.manager
    .createQueryBuilder(DealEntity, 'deal')
    .where('deal.registeredAt >= :fromDate AND deal.registeredAt < :untilDate', { fromDate, untilDate });
  const rows = pagedRows((after) =>
    keysetPage(query, [{ column: 'deal.id', value: (d) => d.id }], { first: EXPORT_PAGE_SIZE, after }, { count: false, rows: (paged) => rawRows(paged, { columns: COLUMNS }) as Promise<DealEntity[]> }),
  );
  for await (const deal of rows) {
    yield {
      id: deal.id,
      partnerId: deal.partnerId,
      distributorId: deal.distributorId,
      referringPartnerId: deal.referringPartnerId,
      programCode: deal.programCode,
      customerName: deal.customerName,
      customerCountry: deal.customerCountry,
      type: deal.type,
      productLine: deal.productLine,
      segment: deal.segment,
      seats: deal.seats,
      amount: formatAmount(deal.amount, deal.currency),
      currency: deal.currency,
      status: deal.status,
      expectedCloseDate: deal.expectedCloseDate,
      registeredAt: deal.registeredAt.toISOString(),
      approvedAt: deal.approvedAt?.toISOString() ?? null,
      closedAt: deal.closedAt,
    };
  }
}

export function dealsExports(database: Database): ExportDatasets {
  return { deals: (request) => dealRows(database, request) };
}
