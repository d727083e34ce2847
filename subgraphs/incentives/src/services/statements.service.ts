import { createHash } from 'node:crypto';
import { In, type EntityManager } from 'typeorm';
import { forUpdate, keysetPage, newId, type Database, type KeysetPage } from '@hub/db';
import { READ_ALL_ROLES, requireClaims, type Claims } from '@hub/auth';
import { type Clock, DomainError, ForbiddenError, InvalidInputError, NotFoundError } from '@hub/domain';
import { recordContractEvent, recordContractEvents } from '@hub/contracts';
import { isDuplicateKeyError, type NewEvent } from '@hub/events';
import type { PlannedPage } from '@hub/jobs';
import { assembleStatement, parseQuarter, type PayoutLine, type Quarter, type RuleVersion } from '../domain';
import { PayoutLineEntity, StatementEntity, type PayeeKind, type StatementStatus } from '../entities';
import { assertCanReadPayee, canReadPayee, requireAdmin } from './access';
import { loadPrograms } from './ledger-reader';
import { FINAL, owedOnPage, PageLedger, payeesOf, type PayoutPage } from './payouts';
import { loadRules } from './rules';

export interface StatementFilter {
  payeeId?: string | null;
  payeeKind?: PayeeKind | null;
  period?: string | null;
  status?: StatementStatus[] | null;
}

export interface ComputeResult {
  period: Quarter;
  /** Open statements written (created or recomputed). */
  computed: number;
  /** Approved or paid statements of the period, left untouched. */
  frozen: number;
  lines: number;
}

/** Payees per page: one batch of ledger reads, one write transaction, one progress step. */
const PAYEE_PAGE = 500;

/**
 * Statements: who may read them, their transitions, and their computation, which this class
 * orchestrates without knowing any rule. Payees are taken in pages; for each page the payout
 * sources (./payouts) read the ledger in a fixed number of queries and compute lines with the
 * registry's pure rules, and the page's statements are written in one transaction (with the
 * job's progress, when run as a job). Approved and paid statements are never touched.
 */
export class StatementsService {
  constructor(
    private readonly database: Database,
    private readonly clock: Clock,
    private readonly wakeRelay: () => void = () => undefined,
    private readonly pageSize = PAYEE_PAGE,
  ) {}

  async get(claims: Claims | null, payeeId: string, periodInput: string): Promise<StatementEntity | null> {
    const caller = requireClaims(claims);
    const period = parseQuarter('period', periodInput);
    // Refused before the lookup: answering null for a quarter without a statement and FORBIDDEN
    // for one with a statement would tell another payee which quarters it was paid in.
    const own = caller.role === 'partner' ? caller.partnerId : caller.role === 'distributor' ? caller.distributorId : undefined;
    if (!READ_ALL_ROLES.includes(caller.role) && payeeId !== own) throw new ForbiddenError(`You may not read the statement of ${payeeId} for ${period}`);
    const statement = await this.database.dataSource.manager.findOne(StatementEntity, { where: { payeeId, period }, order: { currency: 'ASC' } });
    if (statement) assertCanReadPayee(claims, { kind: statement.payeeKind, id: statement.payeeId }, `the statement of ${payeeId} for ${period}`);
    return statement;
  }

  /** Whether the caller may read this payee's statements (row-level access, without a query). */
  readableBy(claims: Claims | null, payee: { kind: PayeeKind; id: string }): boolean {
    return canReadPayee(requireClaims(claims), payee);
  }

  async byId(claims: Claims | null, id: string, load: (id: string) => Promise<StatementEntity | null>): Promise<StatementEntity | null> {
    const statement = await load(id);
    if (statement) assertCanReadPayee(claims, { kind: statement.payeeKind, id: statement.payeeId }, `statement ${id}`);
    return statement;
  }

  async list(claims: Claims | null, filter: StatementFilter, page: { first: number; after?: string }): Promise<KeysetPage<StatementEntity>> {
    const caller = requireClaims(claims);
    const query = this.database.dataSource.manager.createQueryBuilder(StatementEntity, 'statement');
    // Row-level access before any filter: a partner or distributor sees its own statements only.
    if (caller.role === 'partner') query.andWhere("statement.payeeKind = 'PARTNER' AND statement.payeeId = :me", { me: caller.partnerId });
    else if (caller.role === 'distributor') query.andWhere("statement.payeeKind = 'DISTRIBUTOR' AND statement.payeeId = :me", { me: caller.distributorId });
    else if (!READ_ALL_ROLES.includes(caller.role)) throw new ForbiddenError('You may not list statements');
    if (filter.payeeId != null) query.andWhere('statement.payeeId = :payeeId', { payeeId: filter.payeeId });
    if (filter.payeeKind) query.andWhere('statement.payeeKind = :payeeKind', { payeeKind: filter.payeeKind });
    if (filter.period) query.andWhere('statement.period = :period', { period: parseQuarter('filter.period', filter.period) });
    if (filter.status?.length) query.andWhere('statement.status IN (:...statuses)', { statuses: filter.status });
    return keysetPage(query, [{ column: 'statement.id', value: (statement) => statement.id }], page);
  }

  /** OPEN → APPROVED: from now on the statement never changes; later reversals claw back elsewhere. */
  approve(claims: Claims | null, id: string): Promise<StatementEntity> {
    const caller = requireAdmin(claims);
    return this.transition(id, 'OPEN', 'APPROVED', 'statement.approved', (statement, now) => {
      statement.approvedAt = now;
      statement.approvedBy = caller.sub;
    });
  }

  markPaid(claims: Claims | null, id: string, reference: string): Promise<StatementEntity> {
    requireAdmin(claims);
    const ref = reference.trim();
    if (ref === '' || ref.length > 200) throw new InvalidInputError('reference', 'must be 1 to 200 characters');
    return this.transition(id, 'APPROVED', 'PAID', 'statement.paid', (statement, now) => {
      statement.paidAt = now;
      statement.paymentReference = ref;
    });
  }

  private async transition(id: string, from: StatementStatus, to: StatementStatus, type: 'statement.approved' | 'statement.paid', apply: (statement: StatementEntity, now: Date) => void): Promise<StatementEntity> {
    const statement = await this.database.transaction(async (manager) => {
      const statement = await forUpdate(manager.createQueryBuilder(StatementEntity, 'statement').where('statement.id = :id', { id }), this.database.dialect).getOne();
      if (!statement) throw new NotFoundError('Statement', id);
      if (statement.status !== from) {
        throw new DomainError('INCENTIVES.INVALID_TRANSITION', `Statement ${id} is ${statement.status}; only ${from} statements can become ${to}`, { statementId: id, from: statement.status, to });
      }
      const now = this.clock.now();
      statement.status = to;
      apply(statement, now);
      await manager.save(StatementEntity, statement);
      await recordContractEvent(
        manager,
        { type, version: 1, source: 'incentives', aggregateId: statement.id, payload: { statementId: statement.id, payeeKind: statement.payeeKind, payeeId: statement.payeeId, period: statement.period, currency: statement.currency, totalMinor: statement.total.toString(), status: to } },
        now,
      );
      return statement;
    });
    this.wakeRelay();
    return statement;
  }

  /** The whole quarter here and now, page after page (the job spreads the same pages). */
  async compute(period: Quarter): Promise<ComputeResult> {
    const result: ComputeResult = { period, computed: 0, frozen: 0, lines: 0 };
    for (const { payload } of await this.plan(period)) {
      const outcome = await this.computePage(period, payload);
      result.computed += outcome.written;
      result.frozen += outcome.frozen;
      result.lines += outcome.lines;
    }
    return result;
  }

  /** The quarter's pages: partners then distributors, each in id order, `pageSize` payees a page. */
  async plan(period: Quarter): Promise<PlannedPage<StatementsPage>[]> {
    const pages: PlannedPage<StatementsPage>[] = [];
    for (const kind of PAYEE_KINDS) {
      const payees = await payeesOf(this.database.dataSource.manager, this.database.dialect, kind, period);
      for (let i = 0; i < payees.length; i += this.pageSize) {
        const ids = payees.slice(i, i + this.pageSize);
        pages.push({ key: `${kind}:${ids.at(-1)}`, items: ids.length, payload: { kind, ids } });
      }
    }
    return pages;
  }

  /**
   * One page of payees: the ledger is read for all of them in a fixed number of queries, and
   * their statements are written in one transaction, with `commit` (the job's progress) in it.
   * Pages are independent (a page reads only frozen statements and writes only open ones), so
   * they may run in any order, on any instance, and a resumed job ends with the statements of
   * an uninterrupted one.
   */
  async computePage(period: Quarter, { kind, ids }: StatementsPage, commit?: (manager: EntityManager) => Promise<void>): Promise<PageOutcome> {
    const ledger = await this.pageLedger({ kind, ids, period });
    const owed = await owedOnPage(ledger, await this.rules());
    const outcome = await this.writePage(kind, period, owed, commit);
    this.wakeRelay();
    return outcome;
  }

  /** The reads of one page of payees, shared by every payout source (and by both sides of a simulation). */
  async pageLedger(page: PayoutPage): Promise<PageLedger> {
    const manager = this.database.dataSource.manager;
    return new PageLedger(manager, this.database.dialect, page, await loadPrograms(manager));
  }

  /** The published rule versions, read through their kinds' schemas. */
  rules(): Promise<RuleVersion[]> {
    return loadRules(this.database.dataSource.manager);
  }

  /**
   * Writes a page of payees' statements in one transaction, under the row locks of their
   * existing statements: approved and paid ones are left as they are, open ones get exactly
   * these lines. Statements, lines and events go in multi-row INSERTs. Line ids derive from the
   * statement and position, so recomputing the same facts rewrites identical rows.
   */
  private writePage(kind: PayeeKind, period: Quarter, owed: Map<string, PayoutLine[]>, commit?: (manager: EntityManager) => Promise<void>): Promise<PageOutcome> {
    // Two computations of one period may both find no statement and insert it (REPEATABLE READ's
    // gap lock prevents that, READ COMMITTED does not): the loser of the unique index runs the
    // page again and then finds, and locks, the winner's rows.
    return retryOnDuplicateKey(() =>
      this.database.transaction(async (manager) => {
        const existing = groupBy(await this.lockStatements(manager, kind, [...owed.keys()], period), (statement) => statement.payeeId);
        const now = this.clock.now();
        const outcome: PageOutcome = { written: 0, frozen: 0, lines: 0 };
        const fresh: StatementEntity[] = [];
        const recomputed: StatementEntity[] = [];
        const lines: PayoutLineEntity[] = [];
        const events: NewEvent<StatementComputedPayload>[] = [];
        for (const [payeeId, payeeLines] of owed) {
          const byCurrency = groupBy(payeeLines, (line) => line.currency);
          const own = existing.get(payeeId) ?? [];
          for (const statement of own) if (!byCurrency.has(statement.currency)) byCurrency.set(statement.currency, []);
          for (const [currency, currencyLines] of [...byCurrency].sort(([a], [b]) => a.localeCompare(b))) {
            const current = own.find((statement) => statement.currency === currency);
            if (current && FINAL.includes(current.status)) {
              outcome.frozen += 1;
              continue;
            }
            const assembled = assembleStatement(currencyLines);
            const statement: StatementEntity = current ?? manager.create(StatementEntity, { id: newId(), payeeKind: kind, payeeId, period, currency, status: 'OPEN', approvedAt: null, approvedBy: null, paidAt: null, paymentReference: null });
            statement.total = assembled.totalMinor;
            statement.computedAt = now;
            (current ? recomputed : fresh).push(statement);
            const rows = assembled.lines.map((line, position) => lineRow(statement.id, position, line));
            lines.push(...rows);
            events.push({
              type: 'statement.computed',
              source: 'incentives',
              aggregateId: statement.id,
              payload: { statementId: statement.id, payeeKind: kind, payeeId, period, currency, totalMinor: statement.total.toString(), lines: rows.length },
            });
            outcome.written += 1;
            outcome.lines += rows.length;
          }
        }
        for (const chunk of chunks(recomputed.map((st) => st.id))) await manager.delete(PayoutLineEntity, { statementId: In(chunk) });
        // The recomputed rows are locked and exist: one upsert per chunk sets their new totals.
        for (const chunk of chunks(recomputed)) await manager.createQueryBuilder().insert().into(StatementEntity).values(chunk).orUpdate(['total', 'computedAt'], ['id']).execute();
        for (const chunk of chunks(fresh)) await manager.insert(StatementEntity, chunk);
        for (const chunk of chunks(lines)) await manager.insert(PayoutLineEntity, chunk);
        await recordContractEvents(manager, events.map((event) => ({ ...event, type: 'statement.computed', version: 1 })), now);
        await commit?.(manager);
        return outcome;
      }),
    );
  }

  private async lockStatements(manager: EntityManager, kind: PayeeKind, payeeIds: string[], period: Quarter): Promise<StatementEntity[]> {
    if (payeeIds.length === 0) return [];
    const query = manager
      .createQueryBuilder(StatementEntity, 'statement')
      .where('statement.payeeKind = :kind AND statement.period = :period AND statement.payeeId IN (:...payeeIds)', { kind, period, payeeIds });
    return forUpdate(query, this.database.dialect).getMany();
  }
}

/** A page of a statements job: payees of one kind. */
export interface StatementsPage {
  kind: PayeeKind;
  ids: string[];
}

export interface PageOutcome {
  written: number;
  frozen: number;
  lines: number;
}

interface StatementComputedPayload {
  statementId: string;
  payeeKind: PayeeKind;
  payeeId: string;
  period: string;
  currency: string;
  totalMinor: string;
  lines: number;
}

const PAYEE_KINDS: readonly PayeeKind[] = ['PARTNER', 'DISTRIBUTOR'];

function groupBy<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) append(groups, keyOf(item), item);
  return groups;
}

/** Adds to a map of lists in place (spreading a copy per item is quadratic in a payee's lines). */
function append<T>(map: Map<string, T[]>, key: string, item: T): void {
  const list = map.get(key);
  if (list) list.push(item);
  else map.set(key, [item]);
}

/** Multi-row INSERT batches: 500 rows stay far below MySQL's and SQLite's placeholder limits. */
function chunks<T>(items: readonly T[], size = 500): T[][] {
  const result: T[][] = [];
  for (let i = 0; i < items.length; i += size) result.push(items.slice(i, i + size));
  return result;
}

async function retryOnDuplicateKey<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (!isDuplicateKeyError(error)) throw error;
    return work();
  }
}

function lineRow(statementId: string, position: number, line: PayoutLine): PayoutLineEntity {
  return {
    id: deterministicId(`${statementId}:${position}`),
    statementId,
    position,
    rule: line.rule,
    ruleVersion: line.ruleVersion,
    source: line.source,
    dealId: line.source.startsWith('deal:') ? line.source.slice('deal:'.length) : null,
    base: line.baseMinor,
    rate: line.rate,
    amount: line.amountMinor,
    currency: line.currency,
    explanation: line.explanation.slice(0, 1000),
  };
}

/** A UUID-shaped id derived from a name, so recomputation rewrites the same row ids. */
function deterministicId(name: string): string {
  const hex = createHash('sha256').update(name).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

