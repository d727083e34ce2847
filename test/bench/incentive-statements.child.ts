import { performance } from 'node:perf_hooks';
import { InProcessBus } from '@hub/events';
import { createIncentivesServer, openIncentivesDatabase, STATEMENTS_JOB } from '@hub/incentives';
import { BENCH_GATEWAY_SECRET } from './secrets';

/**
 * Computes one quarter's incentive statements on a database the parent generated, as the
 * `computeStatements` job runs them (pages of payees, one write transaction each with the job's
 * progress), in a process of its own so that peak memory is the computation's and not the data
 * generator's. Prints one JSON line of figures (`ComputeFigures`) and exits.
 */
export interface ComputeFigures {
  /** Open statements written (created or recomputed). */
  computed: number;
  frozen: number;
  lines: number;
  ms: number;
  cpuMs: number;
  /** Wall time inside write transactions (a page each: lock, delete/insert, events, progress, commit). */
  writeMs: number;
  writeTransactions: number;
  sqlStatements: number;
  /** SQL statements by kind ("SELECT deal_fact [partnerId IN]", "INSERT payout_line", …). */
  sqlByKind: Record<string, number>;
  /** Milliseconds the client waited on each kind, summed. */
  sqlMsByKind: Record<string, number>;
  baselineRssBytes: number;
  baselineHeapBytes: number;
  peakRssBytes: number;
  peakHeapBytes: number;
  /** Heap after the run and a full GC: what the run kept, as opposed to garbage not yet collected at the peak. */
  retainedHeapBytes: number;
}

const databaseUrl = process.env.BENCH_DATABASE_URL;
const period = process.env.BENCH_PERIOD;
if (!databaseUrl || !period) throw new Error('BENCH_DATABASE_URL and BENCH_PERIOD are required');

/**
 * "SELECT deal_fact [referringPartnerId IN]": the table, and for reads the column a DISTINCT
 * lists or the IN list batches by, and whether the read looks for late deals (lastEventAt).
 */
function kindOf(sql: string): string {
  const statement = sql.trim().replace(/\s+/g, ' ');
  const write = /^(INSERT INTO|DELETE FROM|UPDATE) [`"]?(\w+)/i.exec(statement);
  if (write) return `${write[1]!.split(' ')[0]!.toUpperCase()} ${write[2]}`;
  const read = /^SELECT (DISTINCT [`"]?\w+[`"]?\.[`"]?(\w+)[`"]? )?.*?FROM [`"]?(\w+)/i.exec(statement);
  if (read) {
    const where = statement.includes(' WHERE ') ? statement.slice(statement.indexOf(' WHERE ')) : '';
    const batch = /[`"]?(\w+)[`"]? IN \(/i.exec(where);
    return [
      `SELECT ${read[2] ? `DISTINCT ${read[2]} FROM ` : ''}${read[3]}`,
      / JOIN /i.test(statement) ? '(join)' : '',
      batch ? `[${batch[1]} IN]` : '',
      /lastEventAt[`"]? >/.test(where) ? '(late)' : '',
      / FOR UPDATE/i.test(statement) ? 'FOR UPDATE' : '',
    ]
      .filter(Boolean)
      .join(' ');
  }
  return statement.split(' ').slice(0, 2).join(' ').toUpperCase();
}

const database = await openIncentivesDatabase({ url: databaseUrl });
const bus = new InProcessBus();
// Not started: no relay or ledger consumer runs beside the computation; only the job runner is used.
const { jobs } = await createIncentivesServer({ database, bus, gatewaySecret: BENCH_GATEWAY_SECRET });

// The service's counter gives the total; a tally by kind (with the time spent on each) shows
// what dominates and whether anything runs per deal.
const sqlByKind: Record<string, number> = {};
const sqlMsByKind: Record<string, number> = {};
const countQuery = database.queries.logQuery.bind(database.queries);
database.queries.logQuery = (query, parameters, runner) => {
  const kind = kindOf(query);
  sqlByKind[kind] = (sqlByKind[kind] ?? 0) + 1;
  countQuery(query, parameters, runner);
};
// A subscriber's afterQuery hears every statement with its execution time.
const timer: (typeof database.dataSource.subscribers)[number] = {
  afterQuery: (event) => {
    if (event.executionTime === undefined) return;
    const kind = kindOf(event.query);
    sqlMsByKind[kind] = (sqlMsByKind[kind] ?? 0) + event.executionTime;
  },
};
database.dataSource.subscribers.push(timer);
let writeMs = 0;
let writeTransactions = 0;
const transaction = database.transaction;
database.transaction = async (work) => {
  const started = performance.now();
  try {
    return await transaction(work);
  } finally {
    writeMs += performance.now() - started;
    writeTransactions += 1;
  }
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
// From the request to the job's end, as `pnpm statements` sees it.
const job = await jobs.runner.submit(STATEMENTS_JOB, period, 'bench');
await jobs.runner.settled(job.id);
const ms = performance.now() - started;
const ended = await jobs.store.get(job.id);
if (ended?.status !== 'SUCCEEDED') throw new Error(`the statements job ended ${ended?.status}: ${ended?.error}`);
const cpu = process.cpuUsage(cpuBefore);
clearInterval(sampler);
sample();
collect();
const retainedHeapBytes = process.memoryUsage().heapUsed;
// What the job wrote (its progress counts payees, not statements): every open statement of the
// period was just written, approved and paid ones were left as they were.
const [written] = (await database.dataSource.query(
  "SELECT SUM(CASE WHEN s.status = 'OPEN' THEN 1 ELSE 0 END) AS computed, SUM(CASE WHEN s.status = 'OPEN' THEN 0 ELSE 1 END) AS frozen, " +
    "(SELECT COUNT(*) FROM payout_line l INNER JOIN statement o ON o.id = l.statementId WHERE o.period = ? AND o.status = 'OPEN') AS line_count FROM statement s WHERE s.period = ?",
  [period, period],
)) as { computed: string | null; frozen: string | null; line_count: string | number }[];

const figures: ComputeFigures = {
  computed: Number(written?.computed ?? 0),
  frozen: Number(written?.frozen ?? 0),
  lines: Number(written?.line_count ?? 0),
  ms,
  cpuMs: (cpu.user + cpu.system) / 1000,
  writeMs,
  writeTransactions,
  sqlStatements: database.queries.total,
  sqlByKind,
  sqlMsByKind,
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
