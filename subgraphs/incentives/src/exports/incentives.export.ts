import type { Database } from '@hub/db';
import { keysetPage, rawRows } from '@hub/db';
import { formatAmount } from '@hub/domain';
import { EXPORT_PAGE_SIZE, pagedRows, type ExportDatasets, type ExportRequest } from '@hub/graphql-kit';
import { PayoutLineEntity } from '../entities';
import type { MetricsService } from '../services/metrics.service';

/**
 * `partner-metrics`: the figures of `partnerMetrics`, one row per partner per quarter, quarter
 * by quarter, through the same service a page of partners at a time (a fixed number of queries
 * per page), so the export and the GraphQL field cannot disagree.
 */
async function* partnerMetricsRows(metrics: MetricsService, { quarters, claims }: ExportRequest) {
  for (const period of quarters) {
    const rows = pagedRows((after) => metrics.page(claims, period, {}, { first: EXPORT_PAGE_SIZE, after }));
    for await (const m of rows) {
      yield {
        period: m.period,
        partnerId: m.partnerId,
        programCode: m.programCode,
        tierCode: m.tierCode,
        currency: m.currency,
        newBusinessRevenue: formatAmount(m.newBusinessRevenueMinor, m.currency),
        renewalRevenue: formatAmount(m.renewalRevenueMinor, m.currency),
        dealsWon: m.dealsWon,
        dealsReversed: m.dealsReversed,
        payouts: formatAmount(m.payoutsMinor, m.currency),
        usage: formatAmount(m.usageMinor, m.currency),
      };
    }
  }
}

const LINE_COLUMNS = ['id', 'statementId', 'position', 'rule', 'ruleVersion', 'source', 'dealId', 'base', 'rate', 'amount', 'currency', 'explanation'] as const;

/** `payout-lines`: every line of the quarters' statements (any status) with its statement's payee, by line id. */
async function* payoutLineRows(database: Database, { quarters }: ExportRequest) {
  const query = database.dataSource.manager
    .createQueryBuilder(PayoutLineEntity, 'line')
    .innerJoin('statement', 'statement', 'statement.id = line.statementId')
    .where('statement.period IN (:...quarters)', { quarters });
  const computed = { period: 'statement.period', payeeKind: 'statement.payeeKind', payeeId: 'statement.payeeId', statementStatus: 'statement.status' };
  const rows = pagedRows((after) =>
    keysetPage(query, [{ column: 'line.id', value: (l) => l.id }], { first: EXPORT_PAGE_SIZE, after }, { count: false, rows: (paged) => rawRows(paged, { columns: LINE_COLUMNS, computed }) as never }),
  );
  for await (const line of rows as AsyncIterable<PayoutLineEntity & Record<keyof typeof computed, string>>) {
    yield {
      id: line.id,
      statementId: line.statementId,
      period: line.period,
      payeeKind: line.payeeKind,
      payeeId: line.payeeId,
      statementStatus: line.statementStatus,
      position: line.position,
      rule: line.rule,
      ruleVersion: line.ruleVersion,
      source: line.source,
      dealId: line.dealId,
      base: formatAmount(line.base, line.currency),
      rate: line.rate,
      amount: formatAmount(line.amount, line.currency),
      currency: line.currency,
      explanation: line.explanation,
    };
  }
}

export function incentivesExports(database: Database, metrics: MetricsService): ExportDatasets {
  return {
    'partner-metrics': (request) => partnerMetricsRows(metrics, request),
    'payout-lines': (request) => payoutLineRows(database, request),
  };
}
