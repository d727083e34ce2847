import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { stringify } from 'csv-stringify';
import type { Logger } from '@graphql-hive/logger';
import { READ_ALL_ROLES, signGatewayRequest, type Claims } from '@hub/auth';
import { EXPORT_COLUMNS, EXPORTS_PATH, quarterRangeProblem, type ExportDatasetName } from '@hub/graphql-kit/exports';
import { REQUEST_ID_HEADER } from './request-id';

/**
 * `GET /exports/<dataset>?from=<quarter>&to=<quarter>&format=csv|ndjson` (or `period=<quarter>`):
 * flat files for BI tools. The subgraph owning the dataset streams it as NDJSON on its internal
 * GET /exports, signed like any subgraph request; the gateway passes NDJSON through or turns it
 * into CSV with csv-stringify, both with backpressure end to end, so memory stays a page of rows
 * whatever the size. A client that hangs up aborts the subgraph request, which stops its reads.
 */
export const EXPORTS_PREFIX = '/exports/';

/**
 * Exports one caller may run at once on this gateway: enough for a BI tool fetching every
 * dataset in parallel. An export holds one of the gateway's in-flight slots (MAX_IN_FLIGHT) for
 * as long as it streams, which a slow reader or a large dataset makes minutes; without a bound
 * per caller one token could hold them all and every other caller would be answered 503.
 */
export const MAX_EXPORTS_PER_CALLER = 4;

interface ExportDataset {
  subgraph: string;
  /** The CSV header, in order: the keys of each NDJSON row. */
  columns: readonly string[];
  /** Columns holding text someone typed (not ids, codes, amounts): guarded against formulas in CSV. */
  freeText?: readonly string[];
}

/** The datasets, where each is served, and their columns (documented in the README's "BI exports"). */
export const EXPORT_DATASETS: Readonly<Record<ExportDatasetName, ExportDataset>> = {
  'partner-metrics': { subgraph: 'incentives', columns: EXPORT_COLUMNS['partner-metrics'] },
  deals: { subgraph: 'deals', columns: EXPORT_COLUMNS.deals, freeText: ['customerName'] },
  'payout-lines': { subgraph: 'incentives', columns: EXPORT_COLUMNS['payout-lines'], freeText: ['explanation'] },
  'usage-statement-lines': { subgraph: 'licenses', columns: EXPORT_COLUMNS['usage-statement-lines'] },
};

const FORMATS = ['csv', 'ndjson'] as const;
type ExportFormat = (typeof FORMATS)[number];

export interface ExportQuery {
  dataset: ExportDatasetName;
  from: string;
  to: string;
  format: ExportFormat;
}

export class ExportParameterError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}

const isExportDataset = (name: string): name is ExportDatasetName => Object.hasOwn(EXPORT_DATASETS, name);

/** Reads and checks an export URL's dataset, periods and format; ExportParameterError names the bad one. */
export function parseExportQuery(url: URL): ExportQuery {
  const segment = url.pathname.slice(EXPORTS_PREFIX.length);
  let dataset: string;
  try {
    dataset = decodeURIComponent(segment);
  } catch {
    // A stray `%` is the client's mistake (a 400), not the gateway's failure (a 500).
    throw new ExportParameterError('dataset', `"${segment}" is not valid percent-encoding`);
  }
  if (!isExportDataset(dataset)) throw new ExportParameterError('dataset', `"${dataset}" is not one of ${Object.keys(EXPORT_DATASETS).join(', ')}`);
  const params = url.searchParams;
  // A second value would be ignored: the client meant one of them, and is told instead of guessed for.
  for (const name of ['format', 'period', 'from', 'to']) if (params.getAll(name).length > 1) throw new ExportParameterError(name, 'is given more than once');
  const format = params.get('format') ?? 'csv';
  if (!(FORMATS as readonly string[]).includes(format)) throw new ExportParameterError('format', `"${format}" is not one of ${FORMATS.join(', ')}`);
  const period = params.get('period');
  if (period !== null && (params.has('from') || params.has('to'))) throw new ExportParameterError('period', 'give either period or from and to, not both');
  const from = period ?? params.get('from');
  const to = period ?? params.get('to');
  if (from === null) throw new ExportParameterError(params.has('to') ? 'from' : 'period', 'is required (a quarter, YYYY-Qn)');
  if (to === null) throw new ExportParameterError('to', 'is required with from (a quarter, YYYY-Qn)');
  const problem = quarterRangeProblem(from, to);
  // A one-quarter export names `period`, whichever end the message is about.
  if (problem) throw new ExportParameterError(period === null ? problem.field : 'period', problem.message.slice(problem.field.length + 2));
  return { dataset, from: period === null ? from : period, to, format: format as ExportFormat };
}

/** NDJSON bytes in, one parsed row per line out (objects for csv-stringify), with backpressure. */
class NdjsonRows extends Transform {
  private rest = '';

  constructor() {
    super({ readableObjectMode: true });
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    const lines = (this.rest + chunk.toString('utf8')).split('\n');
    this.rest = lines.pop() ?? '';
    try {
      for (const line of lines) if (line !== '') this.push(JSON.parse(line));
      done();
    } catch (error) {
      done(error as Error);
    }
  }

  override _flush(done: TransformCallback): void {
    try {
      if (this.rest !== '') this.push(JSON.parse(this.rest));
      done();
    } catch (error) {
      done(error as Error);
    }
  }
}

export interface ExportsOptions {
  /** Each subgraph's GraphQL URL; its /exports is beside it. */
  subgraphs: readonly { name: string; url: string }[];
  gatewaySecret: string;
  log: Logger;
}

export interface ExportCaller {
  claims: Claims;
  requestId: string;
}

function sendError(res: ServerResponse, status: number, code: string, message: string, field?: string): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify({ errors: [{ message, extensions: field === undefined ? { code } : { code, field } }] }));
}

/** The handler for `/exports/…`, once the router has authenticated and rate-limited the caller. */
/** What a spreadsheet would run as a formula when a cell starts with it (OWASP "CSV injection"). */
const FORMULA_START = /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;

/**
 * Prefixes a quote to free-text cells a spreadsheet would take for a formula (an end customer
 * named `=HYPERLINK(…)`). csv-stringify's own `escape_formulas` applies to every column, and
 * would turn a negative amount such as `-12.50` (money travels as decimal strings) into text.
 */
export function guardFormulas(dataset: Pick<ExportDataset, 'freeText'>): (value: string, context: { column?: number | string }) => string {
  const guarded = new Set(dataset.freeText ?? []);
  return (value, { column }) => (typeof column === 'string' && guarded.has(column) && FORMULA_START.test(value) ? `'${value}` : value);
}

export function createExports(options: ExportsOptions): (req: IncomingMessage, res: ServerResponse, caller: ExportCaller) => Promise<void> {
  const urls = new Map(options.subgraphs.map((s) => [s.name, s.url]));
  /** Exports running now, by caller (role and subject, as the rate limit counts them). */
  const running = new Map<string, number>();
  return async (req, res, { claims, requestId }) => {
    if (req.method !== 'GET') {
      res.setHeader('allow', 'GET');
      return sendError(res, 405, 'BAD_REQUEST', 'exports are read with GET');
    }
    if (!READ_ALL_ROLES.includes(claims.role)) return sendError(res, 403, 'FORBIDDEN', `exports need one of the roles: ${READ_ALL_ROLES.join(', ')}`);
    const caller = `${claims.role}:${claims.sub}`;
    const count = running.get(caller) ?? 0;
    if (count >= MAX_EXPORTS_PER_CALLER) {
      options.log.warn({ requestId }, `[exports] refused: ${MAX_EXPORTS_PER_CALLER} exports already running for this caller`);
      res.setHeader('retry-after', '1');
      return sendError(res, 429, 'RATE_LIMITED', `At most ${MAX_EXPORTS_PER_CALLER} exports run at once per caller: retry when one has finished`);
    }
    running.set(caller, count + 1);
    res.once('close', () => {
      const left = (running.get(caller) ?? 1) - 1;
      if (left > 0) running.set(caller, left);
      else running.delete(caller);
    });
    let query: ExportQuery;
    try {
      query = parseExportQuery(new URL(req.url ?? '/', 'http://gateway'));
    } catch (error) {
      if (error instanceof ExportParameterError) return sendError(res, 400, 'BAD_USER_INPUT', error.message, error.field);
      throw error;
    }
    const dataset = EXPORT_DATASETS[query.dataset];
    const base = urls.get(dataset.subgraph);
    if (base === undefined) return sendError(res, 404, 'NOT_FOUND', `dataset: "${query.dataset}" is not served by this gateway`, 'dataset');

    // The subgraph's request ends with the client's: a hang-up stops the reads behind it.
    const abort = new AbortController();
    const onClose = () => abort.abort();
    res.once('close', onClose);
    const search = `?${new URLSearchParams({ dataset: query.dataset, from: query.from, to: query.to })}`;
    const headers = { ...signGatewayRequest({ secret: options.gatewaySecret, subgraph: dataset.subgraph, claims, body: search }), [REQUEST_ID_HEADER]: requestId };
    let upstream: Response;
    try {
      upstream = await fetch(new URL(`${EXPORTS_PATH}${search}`, base), { headers, signal: abort.signal });
    } catch (error) {
      if (abort.signal.aborted) return;
      options.log.error({ requestId, error }, `[exports] ${dataset.subgraph} unreachable`);
      return sendError(res, 502, 'INTERNAL_SERVER_ERROR', `the ${dataset.subgraph} subgraph could not be reached`);
    }
    if (upstream.status !== 200 || upstream.body === null) {
      // Its coded JSON error (a 400 naming the parameter, say), as the subgraph answered it.
      const text = await upstream.text();
      res.writeHead(upstream.status === 200 ? 502 : upstream.status, { 'content-type': 'application/json; charset=utf-8' });
      return void res.end(text);
    }
    const name = `${query.dataset}-${query.from}${query.from === query.to ? '' : `-${query.to}`}.${query.format}`;
    res.writeHead(200, {
      'content-type': query.format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8',
      'content-disposition': `attachment; filename="${name}"`,
      'cache-control': 'no-store',
    });
    const body = Readable.fromWeb(upstream.body as WebReadableStream<Uint8Array>);
    try {
      if (query.format === 'ndjson') await pipeline(body, res);
      else await pipeline(body, new NdjsonRows(), stringify({ header: true, columns: [...dataset.columns], cast: { string: guardFormulas(dataset) } }), res);
    } catch (error) {
      // The client hung up (nothing to tell it), or the subgraph failed mid-stream: the status is
      // sent, so the connection is cut rather than the file ended as if it were whole.
      if (!abort.signal.aborted) options.log.error({ requestId, error }, `[exports] ${query.dataset} stream failed`);
      res.destroy();
    } finally {
      res.off('close', onClose);
    }
  };
}
