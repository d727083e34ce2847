import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InProcessBus } from '@hub/events';
import { createLicensesServer, openLicensesDatabase } from '@hub/licenses';
import { createTestDatabase } from '@hub/testing';
import { BENCH_GATEWAY_SECRET } from './secrets';
import type { RatingFigures } from './usage-rating.child';
import { generateUsage, type GeneratedUsage } from './usage-rating.data';

/**
 * Rating a month of usage: `issueStatements(month)` for every service provider, i.e. summing
 * the current reports' seats per SKU, pricing them on the all-units tiers and writing
 * statements, lines and one outbox event each. Two sizes with the same per-provider shape run
 * side by side on MariaDB, each on its own generated database, so their ratios show how time
 * and memory scale (pages of 500 providers per transaction should keep memory flat). Absolute
 * figures depend on the machine, and the time ratio on MariaDB's buffer pool: the larger size's
 * tables (about 450 MB with the deployments) outgrow the default 128 MB pool, so its pages come
 * from disk where the smaller size's are still in memory. The rating runs in a child
 * process so its peak memory is its own, not the data generator's. Each size is rated
 * BENCH_USAGE_REPEATS times, each time by a fresh child on the same data with the statements of
 * the previous attempt removed, and every figure is the median: one page of 500 providers is
 * short enough for a busy machine to double it. Optionally the smaller size again on the
 * embedded SQLite file.
 *
 * Uncapped, V8 lets a few pages' garbage pile up before a full collection, so the peak heap
 * grows with the run while the heap after GC does not; BENCH_USAGE_NODE_ARGS=--max-old-space-size=96
 * shows whether the larger size still fits the smaller one's working set.
 */
const SIZES = (process.env.BENCH_USAGE_PROVIDERS ?? '500,5000').split(',').map(Number);
const SEED = Number(process.env.BENCH_USAGE_SEED ?? 20_260_901);
const REPEATS = Math.max(1, Number(process.env.BENCH_USAGE_REPEATS ?? 3));
const WITH_SQLITE = process.env.BENCH_USAGE_SQLITE !== '0';
/** Node flags for the rating child alone, e.g. `--cpu-prof --cpu-prof-dir=.prof`. */
const CHILD_NODE_ARGS = (process.env.BENCH_USAGE_NODE_ARGS ?? '').split(' ').filter(Boolean);
const MONTH = '2026-09';

type Target = { url: string } | { sqliteFile: string };

interface Run {
  label: string;
  generated: GeneratedUsage;
  /** Each figure the median over the attempts. */
  rating: RatingFigures;
  timesMs: number[];
  anomalies: string[];
}

const MB = 1024 * 1024;
const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;

/** Runs the rating child to completion and returns the JSON line it prints last. */
function rateInChild(target: Target): Promise<RatingFigures> {
  const script = fileURLToPath(new URL('./usage-rating.child.ts', import.meta.url));
  const env = { ...process.env, NODE_ENV: 'production', BENCH_MONTH: MONTH, ...('url' in target ? { BENCH_DATABASE_URL: target.url } : { BENCH_SQLITE_FILE: target.sqliteFile }) };
  // --expose-gc: the child collects before taking its baseline, so the baseline is live data only.
  const child = spawn(process.execPath, [...CHILD_NODE_ARGS, '--expose-gc', '--import', 'tsx', script], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => {
      const last = output.trim().split('\n').at(-1);
      if (code !== 0 || !last) reject(new Error(`the rating child exited with code ${code}`));
      else resolve(JSON.parse(last) as RatingFigures);
    });
  });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Migrates, seeds the catalog and generates `providers` providers' month on `target`, then rates it. */
async function measure(label: string, target: Target, providers: number): Promise<Run> {
  const database = await openLicensesDatabase(target);
  const bus = new InProcessBus();
  try {
    // Seeds the demo catalog and price book; the server itself is never started.
    await createLicensesServer({ database, bus, gatewaySecret: BENCH_GATEWAY_SECRET });
    const generated = await generateUsage(database, { providers, month: MONTH, seed: SEED });
    console.log(
      `${label}: generated ${providers} providers, ${generated.customers} customers, ${generated.deployments} deployments, ` +
        `${generated.reportLines} report lines in ${round(generated.ms / 1000)}s (not measured)`,
    );
    const attempts: RatingFigures[] = [];
    for (let attempt = 0; attempt < REPEATS; attempt += 1) {
      if (attempt > 0) {
        // Issued statements are final, so the next attempt needs them gone; TRUNCATE leaves
        // MariaDB no purge work to do in the background of the next attempt.
        for (const table of ['usage_statement_line', 'usage_statement', 'outbox']) {
          await database.dataSource.query(database.dialect === 'mysql' ? `TRUNCATE TABLE \`${table}\`` : `DELETE FROM \`${table}\``);
        }
      }
      attempts.push(await rateInChild(target));
    }
    const first = attempts[0]!;
    const middle = (figure: keyof Omit<RatingFigures, 'sqlByKind'>) => median(attempts.map((a) => a[figure]));
    const rating: RatingFigures = {
      ...first,
      ms: middle('ms'),
      cpuMs: middle('cpuMs'),
      baselineRssBytes: middle('baselineRssBytes'),
      baselineHeapBytes: middle('baselineHeapBytes'),
      peakRssBytes: middle('peakRssBytes'),
      peakHeapBytes: middle('peakHeapBytes'),
      retainedHeapBytes: middle('retainedHeapBytes'),
    };

    // What the last attempt wrote, against what the generated data should rate to.
    const anomalies: string[] = [];
    if (attempts.some((a) => a.sqlStatements !== first.sqlStatements || a.statements !== first.statements)) {
      anomalies.push(`attempts differ: ${attempts.map((a) => `${a.statements} statements in ${a.sqlStatements} SQL statements`).join('; ')}`);
    }
    const count = async (sql: string) => Number(((await database.dataSource.query(sql)) as { n: number | string }[])[0]!.n);
    const statements = await count(`SELECT COUNT(*) AS n FROM \`usage_statement\` WHERE \`month\` = '${MONTH}' AND \`status\` = 'ISSUED'`);
    const events = await count("SELECT COUNT(*) AS n FROM `outbox` WHERE `type` = 'usage.statement_issued'");
    const expectedLines = [...generated.statementLinesByTier.values()].reduce((a, b) => a + b, 0);
    if (rating.statements !== providers || statements !== providers) anomalies.push(`${rating.statements} statements reported, ${statements} issued in the database, for ${providers} providers`);
    if (events !== statements) anomalies.push(`${events} usage.statement_issued events for ${statements} statements`);
    if (rating.lines !== expectedLines) anomalies.push(`${rating.lines} statement lines, expected ${expectedLines}`);
    const byTier = (await database.dataSource.query('SELECT `tierFromSeats` AS tier, COUNT(*) AS n FROM `usage_statement_line` GROUP BY `tierFromSeats`')) as { tier: number | string; n: number | string }[];
    for (const [tier, expected] of generated.statementLinesByTier) {
      const actual = Number(byTier.find((row) => Number(row.tier) === tier)?.n ?? 0);
      if (actual !== expected) anomalies.push(`${actual} statement lines in the tier from ${tier} seats, expected ${expected}`);
    }
    const tiers = [...generated.statementLinesByTier].map(([tier, lines]) => `from ${tier}: ${lines}`).join(', ');
    console.log(`${label}: statement lines by tier reached ${tiers}`);
    // Paging is per 500 providers; a statement per provider (or per line) would outnumber them.
    if (rating.sqlStatements >= providers) anomalies.push(`${rating.sqlStatements} SQL statements for ${providers} providers: something runs per provider`);
    return { label, generated, rating, timesMs: attempts.map((a) => a.ms), anomalies };
  } finally {
    await database.dataSource.destroy();
    await bus.close();
  }
}

function row(run: Run) {
  const { rating, generated } = run;
  // Throughputs come from the median time.
  const seconds = rating.ms / 1000;
  return {
    providers: generated.providers,
    'report lines': generated.reportLines,
    statements: rating.statements,
    'statement lines': rating.lines,
    'time s': round(seconds, 2),
    'time s, each attempt': run.timesMs.map((ms) => round(ms / 1000, 2)).join(' / '),
    'child CPU s': round(rating.cpuMs / 1000, 2),
    'statements/s': Math.round(rating.statements / seconds),
    'report lines/s': Math.round(generated.reportLines / seconds),
    'SQL statements': rating.sqlStatements,
    'SQL / provider': round(rating.sqlStatements / generated.providers, 3),
    'baseline RSS MB': round(rating.baselineRssBytes / MB),
    'peak RSS MB': round(rating.peakRssBytes / MB),
    'baseline heap MB': round(rating.baselineHeapBytes / MB),
    'peak heap MB': round(rating.peakHeapBytes / MB),
    'heap after GC MB': round(rating.retainedHeapBytes / MB),
  };
}

export async function benchUsageRating(): Promise<void> {
  const runs: Run[] = [];
  for (const providers of SIZES) {
    const database = await createTestDatabase(`bench_usage_${providers}`);
    try {
      runs.push(await measure(`MariaDB, ${providers} providers`, { url: database.url }, providers));
    } finally {
      await database.drop();
    }
  }
  if (WITH_SQLITE) {
    const directory = await mkdtemp(join(tmpdir(), 'hub-bench-usage-'));
    try {
      runs.push(await measure(`SQLite, ${SIZES[0]} providers`, { sqliteFile: join(directory, 'licenses.sqlite') }, SIZES[0]!));
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  }

  console.log(`\nusage rating: issueStatements(${MONTH}) over generated data (seed ${SEED}), 400 usage SKUs, all-units tiers; median of ${REPEATS} attempt(s)`);
  console.log(
    `rating child: peak RSS is the kernel's maxRSS; peak heap is sampled every 20 ms and includes garbage not yet collected; ` +
      `baselines after a GC with the subgraph loaded; heap after GC once the run is over; node ${process.version}, ${cpus().length} cores`,
  );
  // One column per run: the figures read down, the runs compare across.
  const rows = runs.map(row);
  const figures = Object.keys(rows[0] ?? {}) as (keyof ReturnType<typeof row>)[];
  console.table(Object.fromEntries(figures.map((figure) => [figure, Object.fromEntries(runs.map((run, i) => [run.label, rows[i]![figure]]))])));
  for (const run of runs) {
    const byKind = Object.entries(run.rating.sqlByKind).sort(([, a], [, b]) => b - a);
    // A transaction per page of providers: statements should scale with these, not with providers or lines.
    const transactions = byKind.filter(([kind]) => kind.endsWith('TRANSACTION') && kind !== 'SET TRANSACTION').reduce((sum, [, n]) => sum + n, 0);
    console.log(
      `${run.label}: ${run.rating.sqlStatements} SQL statements in ${transactions} rating transaction(s): ` +
        byKind.map(([kind, n]) => `${kind} ×${n}`).join(', '),
    );
    for (const anomaly of run.anomalies) console.log(`note: ${run.label}: ${anomaly}`);
  }
  const [few, many] = runs.filter((run) => run.label.startsWith('MariaDB')).map((run) => run.rating);
  if (few && many && SIZES.length === 2) {
    // A growth of zero (or less) at the smaller size has no meaningful ratio.
    const ratio = (a: number, b: number) => (b > 0 ? `${(a / b).toFixed(2)}x` : 'n/a');
    console.log(
      `${SIZES[1]} / ${SIZES[0]} providers on MariaDB: time ${ratio(many.ms, few.ms)}, child CPU ${ratio(many.cpuMs, few.cpuMs)}, ` +
        `SQL statements ${ratio(many.sqlStatements, few.sqlStatements)}, peak RSS ${ratio(many.peakRssBytes, few.peakRssBytes)} ` +
        `(growth over baseline ${ratio(many.peakRssBytes - many.baselineRssBytes, few.peakRssBytes - few.baselineRssBytes)}), ` +
        `peak heap ${ratio(many.peakHeapBytes, few.peakHeapBytes)} (growth ${ratio(many.peakHeapBytes - many.baselineHeapBytes, few.peakHeapBytes - few.baselineHeapBytes)}), ` +
        `heap after GC ${ratio(many.retainedHeapBytes, few.retainedHeapBytes)}`,
    );
  }
}
