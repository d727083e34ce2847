import { performance } from 'node:perf_hooks';
import { InProcessBus } from '@hub/events';
import { createLicensesServer, openLicensesDatabase } from '@hub/licenses';
import { BENCH_GATEWAY_SECRET } from './secrets';

/**
 * Issues one month's usage statements on a database the parent generated, in a process of its
 * own so that peak memory is the rating's and not the data generator's. Prints one JSON line of
 * figures (`RatingFigures`) and exits.
 */
export interface RatingFigures {
  statements: number;
  lines: number;
  ms: number;
  cpuMs: number;
  sqlStatements: number;
  /** SQL statements by kind ("INSERT usage_statement_line", "SELECT usage_report", …). */
  sqlByKind: Record<string, number>;
  baselineRssBytes: number;
  baselineHeapBytes: number;
  peakRssBytes: number;
  peakHeapBytes: number;
  /** Heap after the run and a full GC: what the run kept, as opposed to garbage not yet collected at the peak. */
  retainedHeapBytes: number;
}

const databaseUrl = process.env.BENCH_DATABASE_URL;
const sqliteFile = process.env.BENCH_SQLITE_FILE;
const month = process.env.BENCH_MONTH;
if ((!databaseUrl && !sqliteFile) || !month) throw new Error('BENCH_MONTH and BENCH_DATABASE_URL or BENCH_SQLITE_FILE are required');

function kindOf(sql: string): string {
  const statement = sql.trim().replace(/\s+/g, ' ');
  const table = /^(INSERT INTO|DELETE FROM|UPDATE) [`"]?(\w+)/i.exec(statement) ?? /^(SELECT) .*? FROM [`"]?(\w+)/i.exec(statement);
  if (table) return `${table[1]!.split(' ')[0]!.toUpperCase()} ${table[2]}`;
  return statement.split(' ').slice(0, 2).join(' ').toUpperCase();
}

const database = await openLicensesDatabase(databaseUrl ? { url: databaseUrl } : { sqliteFile });
const bus = new InProcessBus();
// Not started: no relay, consumers or sweep run beside the rating; only `usage` is used.
const { usage } = await createLicensesServer({ database, bus, gatewaySecret: BENCH_GATEWAY_SECRET });

// The service's counter gives the total; a tally by kind shows whether anything runs per provider.
const sqlByKind: Record<string, number> = {};
const countQuery = database.queries.logQuery.bind(database.queries);
database.queries.logQuery = (query, parameters, runner) => {
  const kind = kindOf(query);
  sqlByKind[kind] = (sqlByKind[kind] ?? 0) + 1;
  countQuery(query, parameters, runner);
};

const collect = () => (globalThis as { gc?: () => void }).gc?.();
collect();
const baseline = process.memoryUsage();
let peakRss = baseline.rss;
let peakHeap = baseline.heapUsed;
const sample = () => {
  const now = process.memoryUsage();
  peakRss = Math.max(peakRss, now.rss);
  peakHeap = Math.max(peakHeap, now.heapUsed);
};
// Samples land between awaits only; the kernel's maxRSS below catches what they miss for RSS.
const sampler = setInterval(sample, 20);

database.queries.reset();
const cpuBefore = process.cpuUsage();
const started = performance.now();
const result = await usage.issueStatements(month);
const ms = performance.now() - started;
const cpu = process.cpuUsage(cpuBefore);
clearInterval(sampler);
sample();
collect();
const retainedHeapBytes = process.memoryUsage().heapUsed;

const figures: RatingFigures = {
  statements: result.statements,
  lines: result.lines,
  ms,
  cpuMs: (cpu.user + cpu.system) / 1000,
  sqlStatements: database.queries.total,
  sqlByKind,
  baselineRssBytes: baseline.rss,
  baselineHeapBytes: baseline.heapUsed,
  // maxRSS is the process's lifetime peak, in KiB; before the run the process only loaded code.
  peakRssBytes: Math.max(peakRss, process.resourceUsage().maxRSS * 1024),
  peakHeapBytes: peakHeap,
  retainedHeapBytes,
};
await database.dataSource.destroy();
await bus.close();
console.log(JSON.stringify(figures));
