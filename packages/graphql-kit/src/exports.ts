import type { ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { READ_ALL_ROLES, type Claims } from '@hub/auth';
import { checkYear, DomainError, InvalidInputError } from '@hub/domain';

/**
 * BI exports: the gateway's `GET /exports/<dataset>` is served by the subgraph owning the data on
 * its internal `GET /exports?dataset=…&from=…&to=…`, signed by the gateway like a GraphQL GET
 * (over the query string, so the dataset and periods are covered). The subgraph answers NDJSON,
 * one row per line, read from the database a keyset page at a time and written with
 * backpressure: memory stays one page whatever the size of the export, and a client that hangs
 * up stops the reads (the row source is closed when the response is).
 */
export const EXPORTS_PATH = '/exports';

/** Rows a dataset may span: 10 years of quarters. */
export const MAX_EXPORT_QUARTERS = 40;

/** Rows read per query: a page is all an export holds in memory. */
export const EXPORT_PAGE_SIZE = 1_000;

export interface ExportRequest {
  /** Every quarter from `from` to `to`, in order ("2026-Q1"…). */
  quarters: readonly string[];
  claims: Claims;
}

/**
 * Every dataset's columns, in order, declared once: the keys of the owning subgraph's NDJSON rows
 * (its row type is derived from them) and the gateway's CSV header (documented in the README).
 */
export const EXPORT_COLUMNS = {
  'partner-metrics': ['period', 'partnerId', 'programCode', 'tierCode', 'currency', 'newBusinessRevenue', 'renewalRevenue', 'dealsWon', 'dealsReversed', 'payouts', 'usage'],
  deals: [
    'id',
    'partnerId',
    'distributorId',
    'referringPartnerId',
    'programCode',
    'customerName',
    'customerCountry',
    'type',
    'productLine',
    'segment',
    'seats',
    'amount',
    'currency',
    'status',
    'expectedCloseDate',
    'registeredAt',
    'approvedAt',
    'closedAt',
  ],
  'payout-lines': ['id', 'statementId', 'period', 'payeeKind', 'payeeId', 'statementStatus', 'position', 'rule', 'ruleVersion', 'source', 'dealId', 'base', 'rate', 'amount', 'currency', 'explanation'],
  'usage-statement-lines': ['id', 'statementId', 'month', 'partnerId', 'distributorId', 'programCode', 'statementStatus', 'position', 'sku', 'productLine', 'seats', 'tierFromSeats', 'unitPrice', 'amount', 'currency'],
} as const;

export type ExportDatasetName = keyof typeof EXPORT_COLUMNS;

/** One row of a dataset: exactly its columns, as plain JSON values (money already as exact decimal strings). */
export type ExportRow<D extends ExportDatasetName> = Record<(typeof EXPORT_COLUMNS)[D][number], string | number | boolean | null>;

/** A dataset's rows, whichever it is. */
export type ExportDataset = (request: ExportRequest) => AsyncIterable<Record<string, string | number | boolean | null>>;

export type ExportDatasets = Readonly<Partial<{ [D in ExportDatasetName]: (request: ExportRequest) => AsyncIterable<ExportRow<D>> }>>;

const QUARTER = /^(\d{4})-Q([1-4])$/;

/**
 * A quarter's index (year × 4 + quarter − 1). Its year is one the hub takes anywhere (checkYear):
 * outside them the dates the subgraphs query with stop being four-digit years ("0001-Q1" became
 * the quarter "1-Q1" and the date "1-01-01"; "9999-Q4" ends on "10000-01-01").
 */
function parseQuarter(field: string, text: string): number {
  const match = QUARTER.exec(text);
  if (!match) throw new InvalidInputError(field, `"${text}" is not a quarter (YYYY-Qn)`);
  checkYear(field, Number(match[1]), text);
  return Number(match[1]) * 4 + Number(match[2]) - 1;
}

/** The quarters from `from` to `to` inclusive; InvalidInputError naming the parameter otherwise. */
export function quartersBetween(from: string, to: string): string[] {
  const first = parseQuarter('from', from);
  const last = parseQuarter('to', to);
  if (last < first) throw new InvalidInputError('to', `must not be before from (${from})`);
  if (last - first + 1 > MAX_EXPORT_QUARTERS) throw new InvalidInputError('to', `an export spans at most ${MAX_EXPORT_QUARTERS} quarters`);
  return Array.from({ length: last - first + 1 }, (_, i) => `${Math.floor((first + i) / 4)}-Q${((first + i) % 4) + 1}`);
}

/** What is wrong with a quarter range, by the parameter it names; undefined when it is fine. */
export function quarterRangeProblem(from: string, to: string): { field: string; message: string } | undefined {
  try {
    quartersBetween(from, to);
    return undefined;
  } catch (error) {
    if (error instanceof InvalidInputError) return { field: error.field, message: error.message };
    throw error;
  }
}

/** First day of the first quarter and the day after the last one: a half-open date range. */
export function quarterRange(quarters: readonly string[]): { fromDate: string; untilDate: string } {
  const [, y1, q1] = QUARTER.exec(quarters[0]!)!;
  const [, y2, q2] = QUARTER.exec(quarters[quarters.length - 1]!)!;
  const month = (q: string) => String((Number(q) - 1) * 3 + 1).padStart(2, '0');
  const after = Number(q2) === 4 ? `${Number(y2) + 1}-01-01` : `${y2}-${String(Number(q2) * 3 + 1).padStart(2, '0')}-01`;
  return { fromDate: `${y1}-${month(q1!)}-01`, untilDate: after };
}

/** The months ("YYYY-MM") of the quarters, first and last. */
export function monthRange(quarters: readonly string[]): { fromMonth: string; toMonth: string } {
  const { fromDate, untilDate } = quarterRange(quarters);
  const [year, month] = [Number(untilDate.slice(0, 4)), Number(untilDate.slice(5, 7))];
  const toMonth = month === 1 ? `${year - 1}-12` : `${year}-${String(month - 1).padStart(2, '0')}`;
  return { fromMonth: fromDate.slice(0, 7), toMonth };
}

/** A keyset page as `keysetPage` in @hub/db answers it. */
export interface RowsPage<R> {
  nodes: R[];
  hasNextPage: boolean;
  cursorOf(row: R): string;
}

/**
 * Every row, a keyset page at a time (`WHERE key > last ORDER BY key LIMIT n`, never OFFSET),
 * each page read only once the previous one has been consumed.
 */
export async function* pagedRows<R>(page: (after: string | undefined) => Promise<RowsPage<R>>): AsyncGenerator<R> {
  let after: string | undefined;
  for (;;) {
    const { nodes, hasNextPage, cursorOf } = await page(after);
    yield* nodes;
    if (!hasNextPage || nodes.length === 0) return;
    after = cursorOf(nodes[nodes.length - 1]!);
  }
}

export class ExportRefusal extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

async function* ndjson(rows: AsyncIterable<Record<string, unknown>>): AsyncGenerator<string> {
  for await (const row of rows) yield `${JSON.stringify(row)}\n`;
}

/**
 * Answers an export request whose claims the server has verified: 400 for a bad dataset or
 * period (naming the parameter), 403 for a caller who is neither BI nor staff, else NDJSON.
 * `pipeline` writes with backpressure and, when the client goes away, ends the row generator,
 * so no further page is read.
 */
export async function serveExport(datasets: ExportDatasets, url: URL, claims: Claims | null, res: ServerResponse): Promise<void> {
  if (!claims) throw new ExportRefusal(401, 'UNAUTHENTICATED', 'exports need a caller');
  if (!READ_ALL_ROLES.includes(claims.role)) throw new ExportRefusal(403, 'FORBIDDEN', `exports need one of the roles: ${READ_ALL_ROLES.join(', ')}`);
  const name = url.searchParams.get('dataset') ?? '';
  const dataset: ExportDataset | undefined = Object.hasOwn(datasets, name) ? datasets[name as ExportDatasetName] : undefined;
  if (!dataset) throw new ExportRefusal(400, 'BAD_USER_INPUT', `dataset: "${name}" is not one of ${Object.keys(datasets).join(', ')}`);
  let quarters: string[];
  try {
    quarters = quartersBetween(url.searchParams.get('from') ?? '', url.searchParams.get('to') ?? '');
  } catch (error) {
    if (error instanceof DomainError) throw new ExportRefusal(400, 'BAD_USER_INPUT', error.message);
    throw error;
  }
  const rows = dataset({ quarters, claims });
  res.writeHead(200, { 'content-type': 'application/x-ndjson; charset=utf-8' });
  await pipeline(Readable.from(ndjson(rows)), res);
}
