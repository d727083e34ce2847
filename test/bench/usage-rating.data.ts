import type { openLicensesDatabase } from '@hub/licenses';

/**
 * Generated usage for the rating benchmark, written straight into the licenses schema with
 * multi-row INSERTs: going through GraphQL would make the set-up take far longer than the
 * run it prepares. The shape follows what the API would have stored: service providers with
 * a master licence through a usage-based distributor, their end customers, one deployment per
 * customer and SKU, and one CURRENT report for the month with a line per deployment.
 */
type LicensesDatabase = Awaited<ReturnType<typeof openLicensesDatabase>>;

export interface UsageShape {
  providers: number;
  month: string;
  seed: number;
}

export interface GeneratedUsage {
  providers: number;
  customers: number;
  deployments: number;
  reportLines: number;
  /** The statement lines rating should produce, by the tier (fromSeats) each SKU's total reaches. */
  statementLinesByTier: Map<number, number>;
  ms: number;
}

const PROGRAMS = [
  { code: 'FR-2023', currency: 'EUR', country: 'FR' },
  { code: 'CH-2011', currency: 'CHF', country: 'CH' },
  { code: 'AU-2014', currency: 'AUD', country: 'AU' },
  { code: 'US-2014', currency: 'USD', country: 'US' },
];
const DISTRIBUTORS_PER_PROGRAM = 2;
const CUSTOMERS_PER_PROVIDER = [3, 7];
/** A provider sells from a pool of SKUs, so its customers share some and per-SKU totals add up over customers. */
const SKU_POOL_PER_PROVIDER = 30;
const SKUS_PER_CUSTOMER = [15, 25];
const HOSTINGS = ['HOSTED', 'CUSTOMER_SITE'];

/** xorshift32: seeded, so two runs rate the same data and their figures compare. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0 || 0x9e3779b9;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 0x1_0000_0000;
  };
}

/**
 * Ids shaped like the UUIDs the service writes, increasing with `n` as UUIDv7s increase with
 * time: rows land in primary-key order, as the API's inserts would.
 */
function idOf(kind: number, n: number): string {
  return `0000000${kind}-0000-7000-8000-${n.toString(16).padStart(12, '0')}`;
}

const ID_KIND = { distributor: 1, partner: 2, master: 3, customer: 4, deployment: 5, report: 6, reportLine: 7 } as const;

type Run = (sql: string, parameters: unknown[]) => Promise<unknown>;

/** Buffers rows of one table and writes them as one INSERT per batch. */
class TableWriter {
  private rows: unknown[][] = [];
  private readonly batch: number;
  written = 0;

  constructor(
    private readonly run: Run,
    private readonly table: string,
    private readonly columns: string[],
  ) {
    // SQLite allows 32,766 bound variables per statement; MariaDB's limit is the packet size.
    this.batch = Math.min(2_000, Math.floor(30_000 / columns.length));
  }

  async add(row: unknown[]): Promise<void> {
    this.rows.push(row);
    if (this.rows.length >= this.batch) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.rows.length === 0) return;
    const rows = this.rows;
    this.rows = [];
    const tuple = `(${this.columns.map(() => '?').join(', ')})`;
    // Backticks quote identifiers on MariaDB and SQLite alike (`key` is reserved on MariaDB).
    await this.run(`INSERT INTO \`${this.table}\` (${this.columns.map((c) => `\`${c}\``).join(', ')}) VALUES ${rows.map(() => tuple).join(', ')}`, rows.flat());
    this.written += rows.length;
  }
}

function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** The first `count` of `items` after a partial Fisher–Yates shuffle; `items` is reordered. */
function pick<T>(items: T[], count: number, random: () => number): T[] {
  for (let i = 0; i < count; i += 1) {
    const j = i + Math.floor(random() * (items.length - i));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items.slice(0, count);
}

function between([low, high]: number[], random: () => number): number {
  return low! + Math.floor(random() * (high! - low! + 1));
}

/**
 * A month's total seats for one provider and SKU. The tier is drawn first, uniformly, then the
 * seats within it, so every all-units tier is rated about equally often; drawing seats directly
 * would leave the top tiers nearly empty.
 */
function monthlyTotal(tiers: readonly number[], random: () => number): number {
  const k = Math.floor(random() * tiers.length);
  const from = tiers[k]!;
  const to = k + 1 < tiers.length ? tiers[k + 1]! - 1 : 2 * from - 1;
  return from + Math.floor(random() * (to - from + 1));
}

/** Splits `total` over `parts` report lines, each with at least one seat (`total` ≥ `parts`). */
function split(total: number, parts: number, random: () => number): number[] {
  const weights = Array.from({ length: parts }, () => 0.2 + random());
  const sum = weights.reduce((a, b) => a + b, 0);
  const seats = weights.map((w) => 1 + Math.floor(((total - parts) * w) / sum));
  seats[parts - 1]! += total - seats.reduce((a, b) => a + b, 0);
  return seats;
}

/**
 * Fills a migrated, catalog-seeded licenses database with `shape.providers` providers and their
 * month. Reads the usage SKUs and tier thresholds from the price book the service will rate with.
 */
export async function generateUsage(database: LicensesDatabase, shape: UsageShape): Promise<GeneratedUsage> {
  const started = performance.now();
  const source = database.dataSource;
  const skus = ((await source.query("SELECT `code` FROM `sku` WHERE `billing` = 'USAGE' ORDER BY `code`")) as { code: string }[]).map((row) => row.code);
  const tiers = ((await source.query('SELECT DISTINCT `fromSeats` FROM `usage_price` ORDER BY `fromSeats`')) as { fromSeats: number | string }[]).map((row) => Number(row.fromSeats));
  if (skus.length === 0 || tiers[0] !== 1) throw new Error('the licenses catalog is not seeded');

  const generate = async (run: Run): Promise<Omit<GeneratedUsage, 'ms'>> => {
    const random = seededRandom(shape.seed);
    const monthStart = `${shape.month}-01`;
    const stamp = `${monthStart} 00:00:00`;
    const submittedAt = `${addDays(monthStart, 35)} 09:00:00`;
    const writer = (table: string, columns: string[]) => new TableWriter(run, table, columns);
    const distributorRefs = writer('distributor_ref', ['id', 'name', 'handlesRenewals', 'usageBasedProgram', 'updatedAt']);
    const partnerRefs = writer('partner_ref', ['id', 'name', 'programCode', 'currency', 'status', 'businessModels', 'distributorIds', 'updatedAt']);
    const masters = writer('master_license', ['id', 'partnerId', 'distributorId', 'programCode', 'currency', 'grantedOn', 'grantedBy', 'createdAt']);
    const customers = writer('end_customer', ['id', 'partnerId', 'name', 'key', 'country', 'domain', 'createdAt']);
    const deployments = writer('usage_deployment', ['id', 'masterLicenseId', 'partnerId', 'customerId', 'sku', 'hosting', 'status', 'deployedOn', 'endedOn', 'endReason', 'updatedAt']);
    const reports = writer('usage_report', ['id', 'partnerId', 'month', 'version', 'status', 'submittedBy', 'submittedAt']);
    const reportLines = writer('usage_report_line', ['id', 'reportId', 'position', 'customerId', 'sku', 'seats']);

    const distributorsOf = PROGRAMS.map((program, p) =>
      Array.from({ length: DISTRIBUTORS_PER_PROGRAM }, (_, d) => ({ id: idOf(ID_KIND.distributor, p * DISTRIBUTORS_PER_PROGRAM + d), name: `Bench ${program.country} distributor ${d}` })),
    );
    for (const distributor of distributorsOf.flat()) await distributorRefs.add([distributor.id, distributor.name, 0, 1, stamp]);

    const statementLinesByTier = new Map<number, number>(tiers.map((tier) => [tier, 0]));
    const skuIndexes = skus.map((_, i) => i);
    let customerCount = 0;
    let lineCount = 0;
    for (let n = 0; n < shape.providers; n += 1) {
      const programIndex = Math.floor(random() * PROGRAMS.length);
      const program = PROGRAMS[programIndex]!;
      const distributor = distributorsOf[programIndex]![Math.floor(random() * DISTRIBUTORS_PER_PROGRAM)]!;
      const partnerId = idOf(ID_KIND.partner, n);
      const masterId = idOf(ID_KIND.master, n);
      const reportId = idOf(ID_KIND.report, n);
      const name = `Bench provider ${n}`;
      await partnerRefs.add([partnerId, name, program.code, program.currency, 'ACTIVE', JSON.stringify(['MSP']), JSON.stringify([distributor.id]), stamp]);
      await masters.add([masterId, partnerId, distributor.id, program.code, program.currency, addDays(monthStart, -400), 'bench@vendor', stamp]);
      await reports.add([reportId, partnerId, shape.month, 1, 'CURRENT', `bench@provider${n}`, submittedAt]);

      // Which customer runs which SKU of the provider's pool; then each SKU's month total is
      // split over the customers that run it, one report line (and deployment) each.
      const pool = pick(skuIndexes, SKU_POOL_PER_PROVIDER, random).map((i) => skus[i]!);
      const customerIds: string[] = [];
      const usersOf = new Map<string, number[]>();
      const customerTotal = between(CUSTOMERS_PER_PROVIDER, random);
      for (let c = 0; c < customerTotal; c += 1) {
        const customerId = idOf(ID_KIND.customer, customerCount + c);
        customerIds.push(customerId);
        await customers.add([customerId, partnerId, `Customer ${n}-${c}`, `customer ${n} ${c}`, program.country, `customer-${n}-${c}.example`, stamp]);
        for (const sku of pick([...pool], between(SKUS_PER_CUSTOMER, random), random)) usersOf.set(sku, [...(usersOf.get(sku) ?? []), c]);
      }
      customerCount += customerTotal;
      const seatsOf = new Map<string, number>();
      for (const [sku, users] of usersOf) {
        const total = Math.max(users.length, monthlyTotal(tiers, random));
        const tier = tiers.filter((from) => from <= total).at(-1)!;
        statementLinesByTier.set(tier, statementLinesByTier.get(tier)! + 1);
        split(total, users.length, random).forEach((seats, i) => seatsOf.set(`${users[i]}:${sku}`, seats));
      }
      let position = 0;
      for (let c = 0; c < customerTotal; c += 1) {
        for (const sku of pool) {
          const seats = seatsOf.get(`${c}:${sku}`);
          if (seats === undefined) continue;
          const hosting = HOSTINGS[Math.floor(random() * HOSTINGS.length)];
          await deployments.add([idOf(ID_KIND.deployment, lineCount), masterId, partnerId, customerIds[c], sku, hosting, 'ACTIVE', addDays(monthStart, -1 - Math.floor(random() * 365)), null, null, stamp]);
          await reportLines.add([idOf(ID_KIND.reportLine, lineCount), reportId, position, customerIds[c], sku, seats]);
          position += 1;
          lineCount += 1;
        }
      }
    }
    for (const table of [distributorRefs, partnerRefs, masters, customers, deployments, reports, reportLines]) await table.flush();
    return { providers: shape.providers, customers: customerCount, deployments: deployments.written, reportLines: reportLines.written, statementLinesByTier };
  };

  let generated: Omit<GeneratedUsage, 'ms'>;
  if (database.dialect === 'sqlite') {
    // One transaction: SQLite would otherwise sync the file after every INSERT.
    generated = await database.transaction((manager) => generate((sql, parameters) => manager.query(sql, parameters)));
  } else {
    generated = await generate((sql, parameters) => source.query(sql, parameters));
    // Production tables have statistics (InnoDB recalculates them as rows arrive); computing them
    // now keeps the plans of both sizes from depending on when that background update ran.
    await source.query('ANALYZE TABLE `master_license`, `usage_report`, `usage_report_line`, `usage_statement`, `usage_statement_line`');
  }
  return { ...generated, ms: performance.now() - started };
}
