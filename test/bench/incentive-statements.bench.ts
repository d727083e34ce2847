import { spawn } from 'node:child_process';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { InProcessBus } from '@hub/events';
import { createIncentivesServer, openIncentivesDatabase } from '@hub/incentives';
import { createTestDatabase, TEST_MYSQL_URL } from '@hub/testing';
import type { ComputeFigures } from './incentive-statements.child';
import { generateLedger, quarterRange, type GeneratedLedger } from './incentive-statements.data';
import { BENCH_GATEWAY_SECRET } from './secrets';

/**
 * The `computeStatements` job for one quarter, from submission to its end: every partner and
 * distributor the quarter owes gets its statement built from the ledger (deal facts, partner
 * histories, MDF claims, paid lines of reversed deals, paid volume rebates, what frozen
 * statements missed), a page of payees at a time, each page written in one transaction with its
 * lines, outbox events and the job's progress. The ledger is generated (BENCH_INCENTIVE_PARTNERS partners, BENCH_INCENTIVE_DEALS deal facts
 * over four quarters, a quarter of them closed in the measured one) and, side by side, a tenth
 * of it, each on its own MariaDB database, so the ratios show how time, memory and SQL
 * statements scale. Before measuring, the previous quarter is computed and approved and some of
 * its deals are then reversed, so the measured quarter has clawbacks to make and the statement
 * tables hold a quarter of history, as they would in production.
 *
 * Each attempt runs in a fresh child (peak memory is the computation's, not the generator's):
 * first on a quarter without statements, then again on the same data, which recomputes every
 * open statement and must write the same totals. The period's statements are removed between
 * attempts; every figure is the median of BENCH_INCENTIVE_REPEATS attempts. Absolute figures
 * depend on the machine and on MariaDB's buffer pool: the default 128 MB holds the tenth, not
 * the full ledger (`deal_fact` alone is about 650 MB with its indexes).
 *
 * BENCH_INCENTIVE_KEEP=1 keeps the generated databases under fixed names and reuses them on the
 * next run (to compare a code change without generating again).
 */
const PARTNERS = Number(process.env.BENCH_INCENTIVE_PARTNERS ?? 10_000);
const DEALS = Number(process.env.BENCH_INCENTIVE_DEALS ?? 1_000_000);
/** The tenth beside the full size; BENCH_INCENTIVE_SMALL=0 runs the full size alone. */
const WITH_SMALL = process.env.BENCH_INCENTIVE_SMALL !== '0';
const PERIOD = process.env.BENCH_INCENTIVE_PERIOD ?? '2026-Q3';
const SEED = Number(process.env.BENCH_INCENTIVE_SEED ?? 20_261_005);
const REPEATS = Math.max(1, Number(process.env.BENCH_INCENTIVE_REPEATS ?? 3));
const KEEP = process.env.BENCH_INCENTIVE_KEEP === '1';
/** Node flags for the computing child alone, e.g. `--cpu-prof --cpu-prof-dir=.prof`. */
const CHILD_NODE_ARGS = (process.env.BENCH_INCENTIVE_NODE_ARGS ?? '').split(' ').filter(Boolean);

type IncentivesDatabase = Awaited<ReturnType<typeof openIncentivesDatabase>>;

interface Size {
  partners: number;
  deals: number;
}

interface Snapshot {
  statements: number;
  totalMinor: string;
  lines: number;
  linesMinor: string;
  checksum: string;
}

interface Run {
  label: string;
  size: Size;
  ledger: LedgerSummary;
  /** Each figure the median over the attempts. */
  first: ComputeFigures;
  recompute: ComputeFigures;
  firstMs: number[];
  recomputeMs: number[];
  snapshot: Snapshot;
  checks: string[];
  anomalies: string[];
}

const MB = 1024 * 1024;
const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;
const seconds = (ms: number) => `${round(ms / 1000)}s`;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** The attempts' figures, each the median (the kinds' tallies of the first attempt; they must not differ). */
function medianFigures(attempts: ComputeFigures[]): ComputeFigures {
  const middle = (figure: keyof ComputeFigures) => median(attempts.map((a) => a[figure] as number));
  const msByKind = Object.fromEntries(Object.keys(attempts[0]!.sqlMsByKind).map((kind) => [kind, median(attempts.map((a) => a.sqlMsByKind[kind] ?? 0))]));
  return {
    ...attempts[0]!,
    ms: middle('ms'),
    cpuMs: middle('cpuMs'),
    writeMs: middle('writeMs'),
    sqlMsByKind: msByKind,
    baselineRssBytes: middle('baselineRssBytes'),
    baselineHeapBytes: middle('baselineHeapBytes'),
    peakRssBytes: middle('peakRssBytes'),
    peakHeapBytes: middle('peakHeapBytes'),
    retainedHeapBytes: middle('retainedHeapBytes'),
  };
}

/** Runs the computing child to completion and returns the JSON line it prints last. */
function computeInChild(url: string): Promise<ComputeFigures> {
  const script = fileURLToPath(new URL('./incentive-statements.child.ts', import.meta.url));
  const env = { ...process.env, NODE_ENV: 'production', BENCH_PERIOD: PERIOD, BENCH_DATABASE_URL: url };
  // --expose-gc: the child collects before taking its baseline, so the baseline is live data only.
  const child = spawn(process.execPath, [...CHILD_NODE_ARGS, '--expose-gc', '--import', 'tsx', script], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => {
      const last = output.trim().split('\n').at(-1);
      if (code !== 0 || !last) reject(new Error(`the statements child exited with code ${code}`));
      else resolve(JSON.parse(last) as ComputeFigures);
    });
  });
}

async function rows<T>(database: IncentivesDatabase, sql: string, parameters: unknown[] = []): Promise<T[]> {
  return (await database.dataSource.query(sql, parameters)) as T[];
}

async function count(database: IncentivesDatabase, sql: string, parameters: unknown[] = []): Promise<number> {
  return Number((await rows<{ n: number | string | null }>(database, sql, parameters))[0]?.n ?? 0);
}

/**
 * Waits until InnoDB has purged the history the last deletes and rewrites left (up to 5
 * minutes), so that purge does not run in the background of the next measurement.
 */
async function settlePurge(database: IncentivesDatabase): Promise<void> {
  const started = performance.now();
  let last = Infinity;
  let stalled = 0;
  while (performance.now() - started < 300_000) {
    const history = await count(database, "SELECT `COUNT` AS n FROM information_schema.INNODB_METRICS WHERE `NAME` = 'trx_rseg_history_len'");
    if (history < 500) return;
    stalled = history >= last ? stalled + 1 : 0;
    if (stalled >= 20) return;
    last = history;
    await sleep(500);
  }
}

/** Removes the period's statements (their lines and the outbox with them), as before the first computation. */
async function clearPeriod(database: IncentivesDatabase): Promise<void> {
  await database.dataSource.query('DELETE `line` FROM `payout_line` `line` INNER JOIN `statement` `statement` ON `statement`.`id` = `line`.`statementId` WHERE `statement`.`period` = ?', [PERIOD]);
  await database.dataSource.query('DELETE FROM `statement` WHERE `period` = ?', [PERIOD]);
  await database.dataSource.query('TRUNCATE TABLE `outbox`');
  await settlePurge(database);
  await database.dataSource.query('ANALYZE TABLE `statement`, `payout_line`, `outbox`');
}

/** The period's statements and lines, with a checksum over every row a recomputation must rewrite identically. */
async function snapshot(database: IncentivesDatabase): Promise<Snapshot> {
  const [statements] = await rows<{ n: string; total: string | null; checksum: string | null }>(
    database,
    "SELECT COUNT(*) AS n, SUM(`total`) AS total, SUM(CRC32(CONCAT_WS(':', `id`, `payeeKind`, `payeeId`, `currency`, `status`, `total`))) AS checksum FROM `statement` WHERE `period` = ?",
    [PERIOD],
  );
  const [lines] = await rows<{ n: string; amount: string | null; checksum: string | null }>(
    database,
    "SELECT COUNT(*) AS n, SUM(`line`.`amount`) AS amount, SUM(CRC32(CONCAT_WS(':', `line`.`id`, `line`.`statementId`, `line`.`position`, `line`.`rule`, `line`.`ruleVersion`, `line`.`source`, `line`.`base`, `line`.`rate`, `line`.`amount`, `line`.`explanation`))) AS checksum " +
      'FROM `payout_line` `line` INNER JOIN `statement` `statement` ON `statement`.`id` = `line`.`statementId` WHERE `statement`.`period` = ?',
    [PERIOD],
  );
  return {
    statements: Number(statements!.n),
    totalMinor: String(statements!.total ?? '0'),
    lines: Number(lines!.n),
    linesMinor: String(lines!.amount ?? '0'),
    checksum: `${statements!.checksum ?? 0}/${lines!.checksum ?? 0}`,
  };
}

interface LedgerSummary {
  partners: number;
  partnersByProgram: string;
  tierFacts: number;
  tierChangesInPeriod: number;
  certificationFacts: number;
  segmentFocusFacts: number;
  distributors: number;
  deals: number;
  wonInPeriod: number;
  reversed: number;
  reversedInPeriod: number;
  /** Deal facts by kind, closed in the period. */
  mix: string;
}

/** What the ledger holds, read back from the database (so a kept database describes itself too). */
async function summarize(database: IncentivesDatabase): Promise<LedgerSummary> {
  const { from, to } = quarterRange(PERIOD);
  const byProgram = await rows<{ programCode: string; n: string }>(database, 'SELECT `programCode`, COUNT(*) AS n FROM `partner_fact` GROUP BY `programCode` ORDER BY `programCode`');
  const [mix] = await rows<Record<string, string | null>>(
    database,
    "SELECT SUM(`type` <> 'RENEWAL') AS newBusiness, SUM(`type` = 'RENEWAL') AS renewals, SUM(`registered`) AS registered, " +
      "SUM(`programCode` = 'AU-2014' AND `referringPartnerId` IS NOT NULL) AS referredAU, SUM(`distributorId` IS NOT NULL) AS distributedUS, " +
      "SUM(`programCode` = 'CH-2011' AND `productLine` = 'HYBRID_CLOUD') AS hybridCloudCH, " +
      "SUM(`programCode` = 'US-2014' AND `segment` = 'ENTERPRISE' AND `partnerId` IN (SELECT `id` FROM `partner_fact` WHERE `segmentFocus` = 'SMB')) AS enterpriseOfSmbUS " +
      "FROM `deal_fact` WHERE `status` = 'WON' AND `closedOn` BETWEEN ? AND ?",
    [from, to],
  );
  return {
    partners: byProgram.reduce((sum, row) => sum + Number(row.n), 0),
    partnersByProgram: byProgram.map((row) => `${row.programCode} ${row.n}`).join(', '),
    tierFacts: await count(database, 'SELECT COUNT(*) AS n FROM `tier_fact`'),
    tierChangesInPeriod: await count(database, 'SELECT COUNT(DISTINCT `partnerId`) AS n FROM `tier_fact` WHERE `effectiveFrom` BETWEEN ? AND ?', [from, to]),
    certificationFacts: await count(database, 'SELECT COUNT(*) AS n FROM `certification_fact`'),
    segmentFocusFacts: await count(database, 'SELECT COUNT(*) AS n FROM `segment_focus_fact`'),
    distributors: await count(database, 'SELECT COUNT(DISTINCT `distributorId`) AS n FROM `deal_fact` WHERE `distributorId` IS NOT NULL'),
    deals: await count(database, 'SELECT COUNT(*) AS n FROM `deal_fact`'),
    wonInPeriod: await count(database, "SELECT COUNT(*) AS n FROM `deal_fact` WHERE `status` = 'WON' AND `closedOn` BETWEEN ? AND ?", [from, to]),
    reversed: await count(database, "SELECT COUNT(*) AS n FROM `deal_fact` WHERE `status` = 'REVERSED'"),
    reversedInPeriod: await count(database, "SELECT COUNT(*) AS n FROM `deal_fact` WHERE `status` = 'REVERSED' AND `reversedOn` BETWEEN ? AND ?", [from, to]),
    mix: Object.entries(mix ?? {})
      .map(([kind, n]) => `${kind} ${n ?? 0}`)
      .join(', '),
  };
}

/**
 * The previous quarter computed and approved, then the deals the generator marked reversed
 * since flipped to REVERSED: the measured quarter claws their paid lines back.
 */
async function writeHistory(database: IncentivesDatabase, compute: (period: string) => Promise<{ computed: number; lines: number }>, generated: GeneratedLedger): Promise<string> {
  const started = performance.now();
  const previous = quarterRange(PERIOD, -1).quarter;
  const result = await compute(previous);
  await database.dataSource.query("UPDATE `statement` SET `status` = 'APPROVED', `approvedAt` = NOW(3), `approvedBy` = 'bench@vendor' WHERE `period` = ?", [previous]);
  const byDate = new Map<string, string[]>();
  for (const { dealId, reversedOn } of generated.reversedLater) byDate.set(reversedOn, [...(byDate.get(reversedOn) ?? []), dealId]);
  for (const [reversedOn, dealIds] of byDate) {
    await database.dataSource.query("UPDATE `deal_fact` SET `status` = 'REVERSED', `reversedOn` = ?, `lastEventAt` = ? WHERE `dealId` IN (?)", [reversedOn, `${reversedOn} 09:00:00.000`, dealIds]);
  }
  await database.dataSource.query('TRUNCATE TABLE `outbox`');
  await database.dataSource.query('ANALYZE TABLE `deal_fact`, `statement`, `payout_line`');
  return `${previous} computed (${result.computed} statements, ${result.lines} lines) and approved, then ${generated.reversedLater.length} of its deals reversed in ${PERIOD}, in ${seconds(performance.now() - started)}`;
}

/** Checks on the data the last attempt left (not timed). */
async function verify(database: IncentivesDatabase, run: Pick<Run, 'first' | 'recompute' | 'snapshot' | 'ledger'>): Promise<{ checks: string[]; anomalies: string[] }> {
  const { from, to } = quarterRange(PERIOD);
  const previous = quarterRange(PERIOD, -1).quarter;
  const checks: string[] = [];
  const anomalies: string[] = [];
  const expect = (what: string, actual: number | string, expected: number | string) => {
    checks.push(`${what}: ${actual}${String(actual) === String(expected) ? ' ✓' : `, expected ${expected} ✗`}`);
    if (String(actual) !== String(expected)) anomalies.push(`${what}: ${actual}, expected ${expected}`);
  };
  const { snapshot: s } = run;
  expect(`sum of the ${s.statements} statement totals = sum of their ${s.lines} payout lines (minor units)`, s.totalMinor, s.linesMinor);
  expect(
    'statements (any period) whose total differs from the sum of their lines',
    await count(
      database,
      'SELECT COUNT(*) AS n FROM `statement` `s` LEFT JOIN (SELECT `statementId`, SUM(`amount`) AS `amount` FROM `payout_line` GROUP BY `statementId`) `l` ON `l`.`statementId` = `s`.`id` WHERE `s`.`total` <> COALESCE(`l`.`amount`, 0)',
    ),
    0,
  );
  expect('lines in another currency than their statement', await count(database, 'SELECT COUNT(*) AS n FROM `payout_line` `l` INNER JOIN `statement` `s` ON `s`.`id` = `l`.`statementId` WHERE `l`.`currency` <> `s`.`currency`'), 0);
  expect('statements written by the first computation = statements of the period', run.first.computed, s.statements);
  expect('lines written by the first computation = lines of the period', run.first.lines, s.lines);
  expect('statements rewritten by the recomputation', run.recompute.computed, s.statements);
  expect("statement.computed events in the outbox (both computations)", await count(database, "SELECT COUNT(*) AS n FROM `outbox` WHERE `type` = 'statement.computed'"), run.first.computed + run.recompute.computed);

  // Rules whose lines the ledger alone decides: one line per qualifying deal.
  const lines = await rows<{ rule: string; n: string }>(database, 'SELECT `l`.`rule`, COUNT(*) AS n FROM `payout_line` `l` INNER JOIN `statement` `s` ON `s`.`id` = `l`.`statementId` WHERE `s`.`period` = ? GROUP BY `l`.`rule`', [PERIOD]);
  const linesOf = (rule: string) => Number(lines.find((row) => row.rule === rule)?.n ?? 0);
  const won = "`status` = 'WON' AND `closedOn` BETWEEN ? AND ?";
  expect('BACK_END_REBATE lines = won registered new-business FR deals', linesOf('BACK_END_REBATE'), await count(database, `SELECT COUNT(*) AS n FROM \`deal_fact\` WHERE ${won} AND \`programCode\` = 'FR-2023' AND \`registered\` = 1 AND \`type\` <> 'RENEWAL'`, [from, to]));
  expect('INSTANT_BONUS lines = won HYBRID_CLOUD/VIRTUALIZATION CH deals', linesOf('INSTANT_BONUS'), await count(database, `SELECT COUNT(*) AS n FROM \`deal_fact\` WHERE ${won} AND \`programCode\` = 'CH-2011' AND \`productLine\` IN ('HYBRID_CLOUD', 'VIRTUALIZATION')`, [from, to]));
  expect('REFERRAL_FEE lines = won referred AU deals of 250+ seats', linesOf('REFERRAL_FEE'), await count(database, `SELECT COUNT(*) AS n FROM \`deal_fact\` WHERE ${won} AND \`programCode\` = 'AU-2014' AND \`referringPartnerId\` IS NOT NULL AND \`seats\` >= 250`, [from, to]));
  // Deal clawbacks carry the deal; volume clawbacks (a paid rebate recomputed without the reversed deals) the quarter.
  const [clawbacks] = await rows<{ deals: string | null; volume: string | null; late: string | null }>(
    database,
    "SELECT SUM(`l`.`rule` = 'CLAWBACK' AND `l`.`dealId` IS NOT NULL) AS deals, SUM(`l`.`rule` = 'CLAWBACK' AND `l`.`source` LIKE 'quarter:%') AS volume, SUM(`l`.`explanation` LIKE 'Late:%') AS late " +
      'FROM `payout_line` `l` INNER JOIN `statement` `s` ON `s`.`id` = `l`.`statementId` WHERE `s`.`period` = ?',
    [PERIOD],
  );
  expect(
    `deal CLAWBACK lines = ${previous}'s approved lines on deals reversed in ${PERIOD}`,
    Number(clawbacks?.deals ?? 0),
    await count(
      database,
      "SELECT COUNT(*) AS n FROM `payout_line` `l` INNER JOIN `statement` `s` ON `s`.`id` = `l`.`statementId` INNER JOIN `deal_fact` `d` ON `d`.`dealId` = `l`.`dealId` WHERE `s`.`period` = ? AND `s`.`status` = 'APPROVED' AND `d`.`status` = 'REVERSED' AND `d`.`reversedOn` BETWEEN ? AND ?",
      [previous, from, to],
    ),
  );
  const volumeCandidates = await count(
    database,
    "SELECT COUNT(DISTINCT `s`.`payeeId`) AS n FROM `payout_line` `l` INNER JOIN `statement` `s` ON `s`.`id` = `l`.`statementId` INNER JOIN `deal_fact` `d` ON `d`.`partnerId` = `s`.`payeeId` " +
      "WHERE `s`.`period` = ? AND `s`.`status` = 'APPROVED' AND `l`.`rule` = 'VOLUME_REBATE' AND `d`.`status` = 'REVERSED' AND `d`.`closedOn` BETWEEN ? AND ? AND `d`.`reversedOn` BETWEEN ? AND ?",
    [previous, quarterRange(PERIOD, -1).from, quarterRange(PERIOD, -1).to, from, to],
  );
  const volume = Number(clawbacks?.volume ?? 0);
  checks.push(`volume CLAWBACK lines: ${volume} of ${volumeCandidates} partners paid a ${previous} rebate with a deal reversed since${volume <= volumeCandidates ? ' ✓' : ' ✗'}`);
  if (volume > volumeCandidates) anomalies.push(`${volume} volume clawbacks for ${volumeCandidates} candidates`);
  // Every deal was in the ledger before the previous quarter was computed: nothing is late.
  expect('late lines (deals or claims a frozen statement missed)', Number(clawbacks?.late ?? 0), 0);
  // Rules that also depend on the tier or focus on the close date: at most one line per candidate.
  const atMost = (what: string, actual: number, candidates: number) => {
    checks.push(`${what}: ${actual} of ${candidates} candidates${actual <= candidates && actual > 0 ? ' ✓' : ' ✗'}`);
    if (actual > candidates || actual === 0) anomalies.push(`${what}: ${actual} of ${candidates} candidates`);
  };
  atMost('VOLUME_REBATE lines (AU partners in an eligible tier)', linesOf('VOLUME_REBATE'), await count(database, `SELECT COUNT(DISTINCT \`partnerId\`) AS n FROM \`deal_fact\` WHERE ${won} AND \`programCode\` = 'AU-2014'`, [from, to]));
  atMost('SEGMENT_FLAT_REBATE lines (US enterprise deals, of SMB-focused partners on the day)', linesOf('SEGMENT_FLAT_REBATE'), await count(database, `SELECT COUNT(*) AS n FROM \`deal_fact\` WHERE ${won} AND \`programCode\` = 'US-2014' AND \`segment\` = 'ENTERPRISE'`, [from, to]));
  atMost('DISTRIBUTOR_INCENTIVE lines (US deals through a distributor, for SILVER/BRONZE partners)', linesOf('DISTRIBUTOR_INCENTIVE'), await count(database, `SELECT COUNT(*) AS n FROM \`deal_fact\` WHERE ${won} AND \`distributorId\` IS NOT NULL`, [from, to]));

  // Statements: one per payee and currency that is owed something; payees are partners that won,
  // referred or are clawed back, and distributors that fulfilled.
  const [kinds] = await rows<{ partners: string; distributors: string }>(database, "SELECT SUM(`payeeKind` = 'PARTNER') AS partners, SUM(`payeeKind` = 'DISTRIBUTOR') AS distributors FROM `statement` WHERE `period` = ?", [PERIOD]);
  const candidates = await count(
    database,
    `SELECT COUNT(*) AS n FROM (SELECT \`partnerId\` AS id FROM \`deal_fact\` WHERE ${won} UNION SELECT \`referringPartnerId\` FROM \`deal_fact\` WHERE ${won} AND \`referringPartnerId\` IS NOT NULL ` +
      "UNION SELECT `s`.`payeeId` FROM `payout_line` `l` INNER JOIN `statement` `s` ON `s`.`id` = `l`.`statementId` INNER JOIN `deal_fact` `d` ON `d`.`dealId` = `l`.`dealId` WHERE `s`.`period` = ? AND `s`.`payeeKind` = 'PARTNER' AND `d`.`status` = 'REVERSED' " +
      "UNION SELECT `d`.`partnerId` FROM `deal_fact` `d` WHERE `d`.`status` = 'REVERSED' AND `d`.`reversedOn` BETWEEN ? AND ?) `payees`",
    [from, to, from, to, previous, from, to],
  );
  const distributorCandidates = await count(database, `SELECT COUNT(DISTINCT \`distributorId\`) AS n FROM \`deal_fact\` WHERE ${won} AND \`distributorId\` IS NOT NULL`, [from, to]);
  const partnerStatements = Number(kinds?.partners ?? 0);
  const distributorStatements = Number(kinds?.distributors ?? 0);
  const plausible = partnerStatements <= candidates && partnerStatements >= candidates / 2 && distributorStatements <= distributorCandidates && distributorStatements > 0;
  checks.push(`statements: ${partnerStatements} partners of ${candidates} candidate partners, ${distributorStatements} distributors of ${distributorCandidates}${plausible ? ' ✓' : ' ✗'}`);
  if (!plausible) anomalies.push(`implausible statement count: ${partnerStatements} of ${candidates} partners, ${distributorStatements} of ${distributorCandidates} distributors`);
  // Reads are per page of 500 payees: a statement per deal would outnumber the deals.
  if (run.first.sqlStatements >= run.ledger.wonInPeriod) anomalies.push(`${run.first.sqlStatements} SQL statements for ${run.ledger.wonInPeriod} deals: something runs per deal`);
  return { checks, anomalies };
}

/** A generated (or kept) database for one size, ready to measure. */
async function prepare(size: Size): Promise<{ url: string; drop: () => Promise<void> }> {
  if (!KEEP) {
    const database = await createTestDatabase(`bench_incentives_${size.partners}`);
    return { url: database.url, drop: database.drop };
  }
  // Opening the database creates it when it does not exist yet.
  const url = new URL(TEST_MYSQL_URL);
  const name = `hub_bench_incentives_${size.partners}_${size.deals}_${SEED}_${PERIOD.replace('-', '_')}`;
  url.pathname = `/${name}`;
  console.log(`BENCH_INCENTIVE_KEEP: database ${name} is kept`);
  return { url: url.toString(), drop: async () => undefined };
}

async function measure(label: string, size: Size): Promise<Run> {
  const target = await prepare(size);
  const database = await openIncentivesDatabase({ url: target.url });
  const bus = new InProcessBus();
  try {
    // Seeds the demo rules (seedRules); the server itself is never started.
    const server = await createIncentivesServer({ database, bus, gatewaySecret: BENCH_GATEWAY_SECRET });
    const previous = quarterRange(PERIOD, -1).quarter;
    const reuse = KEEP && (await count(database, 'SELECT COUNT(*) AS n FROM `deal_fact`')) === size.deals && (await count(database, 'SELECT COUNT(*) AS n FROM `statement` WHERE `period` = ?', [previous])) > 0;
    if (reuse) {
      console.log(`${label}: reusing the kept ledger`);
      // Migrations added since may have built indexes: plans should see their statistics.
      await database.dataSource.query('ANALYZE TABLE `deal_fact`, `statement`, `payout_line`');
    } else {
      if (KEEP) {
        for (const table of ['program_fact', 'partner_fact', 'tier_fact', 'segment_focus_fact', 'certification_fact', 'deal_fact', 'statement', 'payout_line', 'outbox']) {
          await database.dataSource.query(`TRUNCATE TABLE \`${table}\``);
        }
      }
      const generated = await generateLedger(database, { ...size, period: PERIOD, seed: SEED });
      console.log(
        `${label}: generated ${generated.partners} partners, ${generated.tierFacts} tier facts, ${generated.certificationFacts} certification facts, ` +
          `${generated.segmentFocusFacts} segment focus facts, ${generated.deals} deal facts in ${seconds(generated.ms)} (not measured)`,
      );
      console.log(`${label}: history: ${await writeHistory(database, (period) => server.statements.compute(period), generated)} (not measured)`);
    }
    const ledger = await summarize(database);
    console.log(
      `${label}: ledger: partners ${ledger.partnersByProgram}; ${ledger.tierChangesInPeriod} tier changes in ${PERIOD}; ${ledger.distributors} distributors; ` +
        `${ledger.deals} deal facts, ${ledger.wonInPeriod} won in ${PERIOD} (${ledger.mix}); ${ledger.reversed} reversed, ${ledger.reversedInPeriod} of them in ${PERIOD}`,
    );

    const firsts: ComputeFigures[] = [];
    const recomputes: ComputeFigures[] = [];
    const anomalies: string[] = [];
    let last: Snapshot | undefined;
    for (let attempt = 0; attempt < REPEATS; attempt += 1) {
      await clearPeriod(database);
      const first = await computeInChild(target.url);
      const created = await snapshot(database);
      await settlePurge(database);
      const recompute = await computeInChild(target.url);
      const recomputed = await snapshot(database);
      firsts.push(first);
      recomputes.push(recompute);
      console.log(
        `${label}: attempt ${attempt + 1}: computed ${first.computed} statements, ${first.lines} lines in ${seconds(first.ms)}; recomputed in ${seconds(recompute.ms)}; ` +
          `totals ${created.totalMinor} → ${recomputed.totalMinor}, checksum ${created.checksum} → ${recomputed.checksum}`,
      );
      if (JSON.stringify(created) !== JSON.stringify(recomputed)) anomalies.push(`attempt ${attempt + 1}: the recomputation changed the statements: ${JSON.stringify(created)} → ${JSON.stringify(recomputed)}`);
      if (last && JSON.stringify(last) !== JSON.stringify({ ...created, checksum: last.checksum })) anomalies.push(`attempt ${attempt + 1} differs from the previous one: ${JSON.stringify(created)}`);
      last = recomputed;
    }
    if (firsts.some((a) => a.sqlStatements !== firsts[0]!.sqlStatements || a.computed !== firsts[0]!.computed)) {
      anomalies.push(`attempts differ: ${firsts.map((a) => `${a.computed} statements in ${a.sqlStatements} SQL statements`).join('; ')}`);
    }
    const run = { first: medianFigures(firsts), recompute: medianFigures(recomputes), snapshot: last!, ledger };
    const verified = await verify(database, run);
    return { label, size, ...run, firstMs: firsts.map((a) => a.ms), recomputeMs: recomputes.map((a) => a.ms), checks: verified.checks, anomalies: [...anomalies, ...verified.anomalies] };
  } finally {
    await database.dataSource.destroy();
    await bus.close();
    await target.drop();
  }
}

function column(run: Run) {
  const { first, recompute, ledger } = run;
  const perSecond = (n: number, ms: number) => Math.round(n / (ms / 1000));
  return {
    partners: ledger.partners,
    'deal facts': ledger.deals,
    [`deals won in ${PERIOD}`]: ledger.wonInPeriod,
    'statements written': first.computed,
    'lines written': first.lines,
    'time s': round(first.ms / 1000, 2),
    'time s, each attempt': run.firstMs.map((ms) => round(ms / 1000, 2)).join(' / '),
    'child CPU s': round(first.cpuMs / 1000, 2),
    'in write transactions s': round(first.writeMs / 1000, 2),
    'deals/s': perSecond(ledger.wonInPeriod, first.ms),
    'statements/s': perSecond(first.computed, first.ms),
    'SQL statements': first.sqlStatements,
    'SQL / statement': round(first.sqlStatements / Math.max(1, first.computed), 2),
    'SQL / deal': round(first.sqlStatements / Math.max(1, ledger.wonInPeriod), 3),
    'baseline RSS MB': round(first.baselineRssBytes / MB),
    'peak RSS MB': round(first.peakRssBytes / MB),
    'baseline heap MB': round(first.baselineHeapBytes / MB),
    'peak heap MB': round(first.peakHeapBytes / MB),
    'heap after GC MB': round(first.retainedHeapBytes / MB),
    'recompute s': round(recompute.ms / 1000, 2),
    'recompute s, each attempt': run.recomputeMs.map((ms) => round(ms / 1000, 2)).join(' / '),
    'recompute CPU s': round(recompute.cpuMs / 1000, 2),
    'recompute SQL statements': recompute.sqlStatements,
    'recompute peak RSS MB': round(recompute.peakRssBytes / MB),
  };
}

/** "SELECT deal_fact [partnerId IN] ×20 (1.2s)", most time first. */
function byKind(figures: ComputeFigures): string {
  return Object.entries(figures.sqlByKind)
    .map(([kind, n]) => ({ kind, n, ms: figures.sqlMsByKind[kind] ?? 0 }))
    .sort((a, b) => b.ms - a.ms || b.n - a.n)
    .map(({ kind, n, ms }) => `${kind} ×${n} (${round(ms / 1000, 2)}s)`)
    .join(', ');
}

export async function benchIncentiveStatements(): Promise<void> {
  const sizes: Size[] = [...(WITH_SMALL ? [{ partners: Math.round(PARTNERS / 10), deals: Math.round(DEALS / 10) }] : []), { partners: PARTNERS, deals: DEALS }];
  const runs: Run[] = [];
  for (const size of sizes) runs.push(await measure(`${size.partners} partners / ${size.deals} deals`, size));

  console.log(`\nincentive statements: the computeStatements job for ${PERIOD} over a generated ledger (seed ${SEED}) on MariaDB, demo rules; median of ${REPEATS} attempt(s), each in a fresh child`);
  console.log(
    'child: peak RSS is the kernel\'s maxRSS; peak heap is sampled every 20 ms and includes garbage not yet collected; baselines after a GC with the subgraph loaded; ' +
      `heap after GC once the run is over; "recompute" runs again on the same data, rewriting every open statement; node ${process.version}, ${cpus().length} cores`,
  );
  const columns = runs.map(column);
  const figures = Object.keys(columns[0] ?? {});
  console.table(Object.fromEntries(figures.map((figure) => [figure, Object.fromEntries(runs.map((run, i) => [run.label, (columns[i] as Record<string, unknown>)[figure]]))])));
  for (const run of runs) {
    console.log(`${run.label}: first computation: ${run.first.sqlStatements} SQL statements (${run.first.writeTransactions} write transactions): ${byKind(run.first)}`);
    console.log(`${run.label}: recomputation: ${run.recompute.sqlStatements} SQL statements: ${byKind(run.recompute)}`);
    for (const check of run.checks) console.log(`${run.label}: check: ${check}`);
    for (const anomaly of run.anomalies) console.log(`note: ${run.label}: ${anomaly}`);
  }
  const [few, many] = runs.map((run) => run.first);
  if (few && many) {
    const [small, large] = runs;
    const ratio = (a: number, b: number) => (b > 0 ? `${(a / b).toFixed(2)}x` : 'n/a');
    console.log(
      `${large!.label} / ${small!.label}: time ${ratio(many.ms, few.ms)}, child CPU ${ratio(many.cpuMs, few.cpuMs)}, ` +
        `SQL statements ${ratio(many.sqlStatements, few.sqlStatements)}, statements ${ratio(many.computed, few.computed)}, lines ${ratio(many.lines, few.lines)}, ` +
        `peak RSS ${ratio(many.peakRssBytes, few.peakRssBytes)} (growth over baseline ${ratio(many.peakRssBytes - many.baselineRssBytes, few.peakRssBytes - few.baselineRssBytes)}), ` +
        `peak heap ${ratio(many.peakHeapBytes, few.peakHeapBytes)} (growth ${ratio(many.peakHeapBytes - many.baselineHeapBytes, few.peakHeapBytes - few.baselineHeapBytes)}), ` +
        `heap after GC ${ratio(many.retainedHeapBytes, few.retainedHeapBytes)}; recompute time ${ratio(large!.recompute.ms, small!.recompute.ms)}`,
    );
  }
}
