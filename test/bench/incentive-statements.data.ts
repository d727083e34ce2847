import type { openIncentivesDatabase } from '@hub/incentives';

/**
 * A generated incentives ledger for the statements benchmark, written straight into the
 * incentives schema with multi-row INSERTs: replaying a million deal events through the ledger
 * consumer would take far longer than the run it prepares. The rows are the ones the consumer
 * would have kept: program snapshots, partners with their tier assignments, certifications and
 * segment-focus snapshots, and deal facts closed over the four quarters up to the measured one.
 */
type IncentivesDatabase = Awaited<ReturnType<typeof openIncentivesDatabase>>;

export interface LedgerShape {
  partners: number;
  deals: number;
  /** The measured quarter, `2026-Q3`; deals close over it and the three before. */
  period: string;
  seed: number;
}

export interface GeneratedLedger {
  partners: number;
  partnersByProgram: Record<string, number>;
  distributors: number;
  tierFacts: number;
  /** Partners whose tier changes inside the measured quarter. */
  tierChangesInPeriod: number;
  certificationFacts: number;
  segmentFocusFacts: number;
  deals: number;
  dealsInPeriod: number;
  reversed: number;
  /**
   * Deals of the quarter before the measured one that are reversed inside the measured one:
   * written WON, so that the previous quarter's statements pay them; the benchmark flips them
   * once those statements are approved, which gives the measured quarter clawbacks to make.
   */
  reversedLater: { dealId: string; reversedOn: string }[];
  ms: number;
}

interface TierSeed {
  code: string;
  minCertifiedStaff: number;
  minRevenueMinor: string;
  capacity: number | null;
}

/** The four programs' ladders as the partners subgraph seeds them (`subgraphs/partners/src/seeds/programs.data.ts`). */
const SPECIALIZATIONS = [
  { code: 'HYBRID_CLOUD_SECURITY', name: 'Hybrid Cloud Security', productLine: 'HYBRID_CLOUD', requiredSales: 1, requiredTechnical: 1 },
  { code: 'NETWORK_SECURITY', name: 'Network Security', productLine: 'NETWORK', requiredSales: 1, requiredTechnical: 1 },
  { code: 'EMAIL_ENDPOINT_SECURITY', name: 'Email & Endpoint Security', productLine: 'ENDPOINT', requiredSales: 1, requiredTechnical: 1 },
  { code: 'MSP', name: 'MSP', productLine: null, requiredSales: 1, requiredTechnical: 1 },
  { code: 'MSSP', name: 'MSSP', productLine: null, requiredSales: 1, requiredTechnical: 1 },
];

const tier = (code: string, minCertifiedStaff: number, minRevenueMajor: number, capacity: number | null = null): TierSeed => ({
  code,
  minCertifiedStaff,
  minRevenueMinor: String(minRevenueMajor * 100),
  capacity,
});

const PROGRAMS = [
  {
    code: 'FR-2023',
    currency: 'EUR',
    country: 'FR',
    noDowngradeUntil: '2024-12-31',
    share: 0.3,
    tiers: [tier('REGISTERED', 0, 0), tier('SKILL', 5, 200_000), tier('EXPERT', 10, 800_000), tier('ELITE', 20, 1_500_000)],
  },
  {
    code: 'CH-2011',
    currency: 'CHF',
    country: 'CH',
    noDowngradeUntil: null,
    share: 0.2,
    tiers: [tier('BRONZE', 1, 0), tier('SILVER', 2, 100_000), tier('GOLD', 4, 500_000), tier('PLATINUM', 8, 1_500_000, 5)],
  },
  {
    code: 'AU-2014',
    currency: 'AUD',
    country: 'AU',
    noDowngradeUntil: null,
    share: 0.2,
    tiers: [tier('ASSOCIATE', 0, 0), tier('PREMIER', 3, 120_000), tier('NATIONAL', 10, 2_000_000, 10)],
  },
  {
    code: 'US-2014',
    currency: 'USD',
    country: 'US',
    noDowngradeUntil: null,
    share: 0.3,
    tiers: [tier('BRONZE', 1, 0), tier('SILVER', 2, 150_000), tier('GOLD', 5, 750_000), tier('PLATINUM', 10, 2_000_000)],
  },
];
type Program = (typeof PROGRAMS)[number];

/** How partners spread over a ladder of 3 or 4 tiers, lowest first. */
const TIER_WEIGHTS: Record<number, number[]> = { 3: [0.55, 0.35, 0.1], 4: [0.45, 0.3, 0.18, 0.07] };
const DISTRIBUTORS = ['Ingram Micro', 'Tech Data', 'Channelworx', 'Alstom IT', 'Westcoast', 'Arrow ECS'];
const PRODUCT_LINES = ['HYBRID_CLOUD', 'NETWORK', 'ENDPOINT', 'EMAIL', 'VIRTUALIZATION'];
/** Share of partners whose tier changes inside the measured quarter, and earlier in the window. */
const TIER_CHANGE_IN_PERIOD = 0.12;
const TIER_CHANGE_EARLIER = 0.08;
const FOCUS_CHANGE_IN_PERIOD = 0.08;
const REFERRED_AU_DEALS = 0.12;
const DISTRIBUTED_US_DEALS = 0.4;
const REVERSED_DEALS = 0.003;

/** xorshift32: seeded, so two runs compute the same ledger and their figures compare. */
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
 * Ids shaped like the UUIDs the ledger stores, increasing with `n` as UUIDv7s increase with
 * time: rows land in primary-key order, as the consumer's inserts would.
 */
function idOf(kind: number, n: number): string {
  return `0000000${kind}-0000-7000-8000-${n.toString(16).padStart(12, '0')}`;
}

const ID_KIND = { distributor: 1, partner: 2, deal: 3, tier: 4, certification: 5, person: 6, focus: 7 } as const;

type Run = (sql: string, parameters: unknown[]) => Promise<unknown>;

/**
 * Buffers rows of one table and writes them as one INSERT per batch; the next batch is built
 * while the previous one is still being written.
 */
class TableWriter {
  private rows: unknown[][] = [];
  private pending: Promise<unknown> = Promise.resolve();
  private readonly batch: number;
  written = 0;

  constructor(
    private readonly run: Run,
    private readonly table: string,
    private readonly columns: string[],
  ) {
    this.batch = Math.min(4_000, Math.floor(64_000 / columns.length));
  }

  async add(row: unknown[]): Promise<void> {
    this.rows.push(row);
    if (this.rows.length >= this.batch) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.rows.length === 0) return;
    const rows = this.rows;
    this.rows = [];
    await this.pending;
    const tuple = `(${this.columns.map(() => '?').join(', ')})`;
    const insert = this.run(`INSERT INTO \`${this.table}\` (${this.columns.map((c) => `\`${c}\``).join(', ')}) VALUES ${rows.map(() => tuple).join(', ')}`, rows.flat());
    // Awaited by the next flush or by close(); until then a failure must not go unhandled.
    insert.catch(() => undefined);
    this.pending = insert;
    this.written += rows.length;
  }

  async close(): Promise<void> {
    await this.flush();
    await this.pending;
  }
}

const DAY = 86_400_000;
const dayNumber = (date: string) => Date.parse(`${date}T00:00:00Z`) / DAY;
const dateOf = (day: number) => new Date(day * DAY).toISOString().slice(0, 10);
const addDays = (date: string, days: number) => dateOf(dayNumber(date) + days);

/** First and last day of `period` shifted by `shift` quarters. */
export function quarterRange(period: string, shift = 0): { quarter: string; from: string; to: string } {
  const match = /^(\d{4})-Q([1-4])$/.exec(period);
  if (!match) throw new Error(`"${period}" is not a quarter (YYYY-Qn)`);
  const index = Number(match[1]) * 4 + Number(match[2]) - 1 + shift;
  const year = Math.floor(index / 4);
  const q = (index % 4) + 1;
  const from = `${year}-${String((q - 1) * 3 + 1).padStart(2, '0')}-01`;
  const to = new Date(Date.UTC(year, q * 3, 0)).toISOString().slice(0, 10);
  return { quarter: `${year}-Q${q}`, from, to };
}

/** A standard normal draw (Box–Muller). */
function gaussian(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

function weighted(weights: readonly number[], random: () => number): number {
  let r = random() * weights.reduce((a, b) => a + b, 0);
  for (let i = 0; i < weights.length; i += 1) {
    r -= weights[i]!;
    if (r < 0) return i;
  }
  return weights.length - 1;
}

interface Partner {
  id: string;
  program: Program;
  distributorIds: string[];
}

/**
 * Fills a migrated incentives database (rules seeded) with `shape.partners` partners and
 * `shape.deals` deal facts closed over the measured quarter and the three before it.
 */
export async function generateLedger(database: IncentivesDatabase, shape: LedgerShape): Promise<GeneratedLedger> {
  if (database.dialect !== 'mysql') throw new Error('the incentive statements benchmark runs on MariaDB');
  const started = performance.now();
  const source = database.dataSource;
  const run: Run = (sql, parameters) => source.query(sql, parameters);
  const random = seededRandom(shape.seed);
  const period = quarterRange(shape.period);
  const previous = quarterRange(shape.period, -1);
  const windowStart = quarterRange(shape.period, -3).from;
  const stamp = (date: string) => `${date} 09:00:00.000`;
  const between = (from: string, to: string) => addDays(from, Math.floor(random() * (dayNumber(to) - dayNumber(from) + 1)));
  const writer = (table: string, columns: string[]) => new TableWriter(run, table, columns);

  const programs = writer('program_fact', ['code', 'currency', 'noDowngradeUntil', 'tiers', 'specializations', 'updatedAt']);
  for (const program of PROGRAMS) {
    const tiers = program.tiers.map((t, i) => ({ code: t.code, name: t.code.charAt(0) + t.code.slice(1).toLowerCase(), rank: i + 1, minCertifiedStaff: t.minCertifiedStaff, minRevenueMinor: t.minRevenueMinor, capacity: t.capacity }));
    await programs.add([program.code, program.currency, program.noDowngradeUntil, JSON.stringify(tiers), JSON.stringify(SPECIALIZATIONS), stamp('2022-01-01')]);
  }
  await programs.close();

  // Partners, with the facts that say how each stood on any day of the window.
  const partnerFacts = writer('partner_fact', ['id', 'name', 'country', 'programCode', 'currency', 'status', 'segmentFocus', 'distributorIds', 'updatedAt']);
  const tierFacts = writer('tier_fact', ['id', 'partnerId', 'tierCode', 'effectiveFrom', 'recordedAt']);
  const focusFacts = writer('segment_focus_fact', ['id', 'partnerId', 'segmentFocus', 'effectiveFrom', 'recordedAt']);
  const certifications = writer('certification_fact', ['id', 'partnerId', 'personId', 'specializationCode', 'kind', 'validFrom', 'validUntil']);
  const distributorIds = DISTRIBUTORS.map((_, d) => idOf(ID_KIND.distributor, d));
  const partners: Partner[] = [];
  const partnersByProgram: Record<string, number> = Object.fromEntries(PROGRAMS.map((p) => [p.code, 0]));
  const holders = new Map<string, number>();
  let tierChangesInPeriod = 0;
  let people = 0;
  let tierCount = 0;
  let focusCount = 0;
  let certificationCount = 0;
  for (let n = 0; n < shape.partners; n += 1) {
    const program = PROGRAMS[weighted(PROGRAMS.map((p) => p.share), random)]!;
    const id = idOf(ID_KIND.partner, n);
    partnersByProgram[program.code]! += 1;
    const top = program.tiers.length - 1;
    // A capped tier admits its capacity of partners; the rest stay one below.
    const admits = (rank: number) => {
      const capacity = program.tiers[rank]!.capacity;
      return capacity === null || (holders.get(`${program.code}:${rank}`) ?? 0) < capacity;
    };
    const hold = (rank: number, delta: number) => holders.set(`${program.code}:${rank}`, (holders.get(`${program.code}:${rank}`) ?? 0) + delta);
    let rank = weighted(TIER_WEIGHTS[program.tiers.length]!, random);
    while (!admits(rank)) rank -= 1;
    hold(rank, 1);
    const joined = between('2021-01-01', '2022-12-31');
    const assign = async (tierRank: number, effectiveFrom: string) => tierFacts.add([idOf(ID_KIND.tier, tierCount++), id, program.tiers[tierRank]!.code, effectiveFrom, stamp(effectiveFrom)]);
    await assign(rank, between(joined, addDays(windowStart, -1)));
    const change = random();
    if (change < TIER_CHANGE_IN_PERIOD + TIER_CHANGE_EARLIER) {
      // Mostly promotions; a partner at the top (or whose next tier is full) is demoted.
      const up = rank < top && admits(rank + 1) && (rank === 0 || random() < 0.7);
      const next = up ? rank + 1 : rank > 0 ? rank - 1 : rank;
      if (next !== rank) {
        const inPeriod = change < TIER_CHANGE_IN_PERIOD;
        await assign(next, inPeriod ? between(addDays(period.from, 10), addDays(period.to, -10)) : between(windowStart, addDays(period.from, -1)));
        hold(rank, -1);
        hold(next, 1);
        if (inPeriod) tierChangesInPeriod += 1;
        rank = next;
      }
    }

    // Segment focus: a snapshot when the partner joined, for some a change inside the quarter.
    const smbShare = program.code === 'US-2014' ? 0.45 : 0.6;
    let focus = random() < smbShare ? 'SMB' : 'ENTERPRISE';
    await focusFacts.add([idOf(ID_KIND.focus, focusCount++), id, focus, joined, stamp(joined)]);
    let updatedOn = joined;
    if (random() < FOCUS_CHANGE_IN_PERIOD) {
      focus = focus === 'SMB' ? 'ENTERPRISE' : 'SMB';
      updatedOn = between(addDays(period.from, 5), addDays(period.to, -5));
      await focusFacts.add([idOf(ID_KIND.focus, focusCount++), id, focus, updatedOn, stamp(updatedOn)]);
    }

    // Certified people, more in higher tiers; a specialization needs one sales and one technical
    // person certified for it at the same time, so some partners hold one and some gain it mid-window.
    const staff = rank * 2 + Math.floor(random() * 4);
    for (let p = 0; p < staff; p += 1) {
      const personId = idOf(ID_KIND.person, people++);
      const kind = random() < 0.5 ? 'SALES' : 'TECHNICAL';
      const held = random() < 0.4 ? 2 : 1;
      for (let c = 0; c < held; c += 1) {
        const specialization = SPECIALIZATIONS[Math.floor(random() * SPECIALIZATIONS.length)]!.code;
        const validFrom = between(addDays(windowStart, -400), period.to);
        await certifications.add([idOf(ID_KIND.certification, certificationCount++), id, personId, specialization, kind, validFrom, addDays(validFrom, 730)]);
      }
    }

    // One or two distributors; US partners' deals go through them when they have one.
    const firstDistributor = Math.floor(random() * distributorIds.length);
    const served = [distributorIds[firstDistributor]!];
    if (random() < 0.5) served.push(distributorIds[(firstDistributor + 1 + Math.floor(random() * (distributorIds.length - 1))) % distributorIds.length]!);
    await partnerFacts.add([id, `Bench partner ${n}`, program.country, program.code, program.currency, 'ACTIVE', focus, JSON.stringify(served), stamp(updatedOn)]);
    partners.push({ id, program, distributorIds: served });
  }
  for (const table of [partnerFacts, tierFacts, focusFacts, certifications]) await table.close();

  // Deals: closed day by day over the window (ids increase with the close date, as UUIDv7s
  // with the win), to partners of lognormal sizes, so a few partners sell far more than most.
  const cumulative: number[] = [];
  let weightSum = 0;
  for (let i = 0; i < partners.length; i += 1) {
    weightSum += Math.exp(0.9 * gaussian(random));
    cumulative.push(weightSum);
  }
  const pickPartner = () => {
    const target = random() * weightSum;
    let low = 0;
    let high = cumulative.length - 1;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (cumulative[middle]! < target) low = middle + 1;
      else high = middle;
    }
    return partners[low]!;
  };
  const australians = partners.filter((p) => p.program.code === 'AU-2014');
  const firstDay = dayNumber(windowStart);
  const days = dayNumber(period.to) - firstDay + 1;
  const dates = Array.from({ length: days }, (_, d) => dateOf(firstDay + d));
  const dealFacts = writer('deal_fact', [
    'dealId',
    'partnerId',
    'distributorId',
    'referringPartnerId',
    'programCode',
    'type',
    'productLine',
    'segment',
    'seats',
    'amount',
    'currency',
    'registered',
    'status',
    'closedOn',
    'reversedOn',
    'lastEventAt',
  ]);
  const reversedLater: GeneratedLedger['reversedLater'] = [];
  let reversed = 0;
  let dealsInPeriod = 0;
  for (let n = 0; n < shape.deals; n += 1) {
    const closedOn = dates[Math.floor((n * days) / shape.deals)]!;
    if (closedOn >= period.from) dealsInPeriod += 1;
    const partner = pickPartner();
    const program = partner.program;
    const r = random();
    const type = r < 0.35 ? 'NEW_CUSTOMER' : r < 0.6 ? 'NEW_SOLUTION' : 'RENEWAL';
    const productLine = PRODUCT_LINES[Math.floor(random() * PRODUCT_LINES.length)]!;
    const segment = random() < 0.3 ? 'ENTERPRISE' : 'SMB';
    const seats = 1 + Math.floor(999 * random() ** 3);
    const amount = seats * (4_000 + Math.floor(random() * 36_000));
    const registered = random() < (type === 'RENEWAL' ? 0.2 : 0.65);
    let referrer: string | null = null;
    if (program.code === 'AU-2014' && australians.length > 1 && random() < REFERRED_AU_DEALS) {
      referrer = australians[Math.floor(random() * australians.length)]!.id;
      if (referrer === partner.id) referrer = australians[(australians.indexOf(partner) + 1) % australians.length]!.id;
    }
    const distributor = program.code === 'US-2014' && random() < DISTRIBUTED_US_DEALS ? partner.distributorIds[Math.floor(random() * partner.distributorIds.length)]! : null;
    const dealId = idOf(ID_KIND.deal, n);
    let status = 'WON';
    let reversedOn: string | null = null;
    if (random() < REVERSED_DEALS) {
      const on = addDays(closedOn, 5 + Math.floor(random() * 55));
      if (closedOn >= previous.from && closedOn <= previous.to) {
        reversedLater.push({ dealId, reversedOn: between(period.from, period.to) });
      } else {
        status = 'REVERSED';
        reversedOn = on > period.to ? period.to : on;
      }
      reversed += 1;
    }
    await dealFacts.add([
      dealId,
      partner.id,
      distributor,
      referrer,
      program.code,
      type,
      productLine,
      segment,
      seats,
      amount,
      program.currency,
      registered ? 1 : 0,
      status,
      closedOn,
      reversedOn,
      stamp(reversedOn ?? closedOn),
    ]);
  }
  await dealFacts.close();
  // Production tables have statistics (InnoDB recalculates them as rows arrive); computing them
  // now keeps the plans of both sizes from depending on when that background update ran.
  await source.query('ANALYZE TABLE `program_fact`, `partner_fact`, `tier_fact`, `segment_focus_fact`, `certification_fact`, `deal_fact`');

  return {
    partners: partners.length,
    partnersByProgram,
    distributors: DISTRIBUTORS.length,
    tierFacts: tierFacts.written,
    tierChangesInPeriod,
    certificationFacts: certifications.written,
    segmentFocusFacts: focusFacts.written,
    deals: dealFacts.written,
    dealsInPeriod,
    reversed,
    reversedLater,
    ms: performance.now() - started,
  };
}
