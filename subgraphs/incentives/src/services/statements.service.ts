import { createHash } from 'node:crypto';
import { Between, Brackets, In, LessThanOrEqual, type EntityManager } from 'typeorm';
import { keysetPage, newId, type Database, type KeysetPage } from '@hub/db';
import { READ_ALL_ROLES, requireClaims, type Claims } from '@hub/auth';
import { type Clock, DomainError, ForbiddenError, formatAmount, InvalidInputError, NotFoundError } from '@hub/domain';
import { isDuplicateKeyError, recordEvent, recordEvents, type NewEvent } from '@hub/events';
import type { PlannedPage } from '@hub/jobs';
import {
  assembleStatement,
  clawback,
  dealPayouts,
  mdfPayout,
  nextQuarter,
  parseQuarter,
  quarterBounds,
  quarterOf,
  referralFee,
  distributorIncentive,
  ruleInEffect,
  volumeRebate,
  type PayoutLine,
  type Quarter,
  type QuarterDeal,
  type RuleVersion,
} from '../domain';
import { DealFactEntity, MdfClaimEntity, MdfRequestEntity, PartnerFactEntity, PayoutLineEntity, StatementEntity, type PayeeKind, type ProgramFactEntity, type StatementStatus } from '../entities';
import { assertCanReadPayee, canReadPayee, requireAdmin } from './access';
import { dealFacts, dealRuleSet, loadPrograms, PartnerHistories, wonBetween } from './ledger-reader';
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
const FINAL: readonly string[] = ['APPROVED', 'PAID'];

/**
 * Builds the statements of a quarter from the ledger. Payees are taken in pages: for each page
 * the ledger is read in a fixed number of queries (deals, partner histories, MDF claims, paid
 * lines of reversed deals), lines are computed by the pure rules, and the page's statements are
 * written in one transaction (with the job's progress, when run as a job). Approved and paid
 * statements are never touched.
 */
export class StatementsService {
  constructor(
    private readonly database: Database,
    private readonly clock: Clock,
    private readonly wakeRelay: () => void = () => undefined,
    private readonly pageSize = PAYEE_PAGE,
  ) {}

  async get(claims: Claims | null, payeeId: string, periodInput: string): Promise<StatementEntity | null> {
    const caller = requireClaims(claims ?? undefined);
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
    return canReadPayee(requireClaims(claims ?? undefined), payee);
  }

  async byId(claims: Claims | null, id: string, load: (id: string) => Promise<StatementEntity | null>): Promise<StatementEntity | null> {
    const statement = await load(id);
    if (statement) assertCanReadPayee(claims, { kind: statement.payeeKind, id: statement.payeeId }, `statement ${id}`);
    return statement;
  }

  async list(claims: Claims | null, filter: StatementFilter, page: { first: number; after?: string }): Promise<KeysetPage<StatementEntity>> {
    const caller = requireClaims(claims ?? undefined);
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

  private async transition(id: string, from: StatementStatus, to: StatementStatus, type: string, apply: (statement: StatementEntity, now: Date) => void): Promise<StatementEntity> {
    const statement = await this.database.transaction(async (manager) => {
      const query = manager.createQueryBuilder(StatementEntity, 'statement').where('statement.id = :id', { id });
      if (this.database.dialect === 'mysql') query.setLock('pessimistic_write');
      const statement = await query.getOne();
      if (!statement) throw new NotFoundError('Statement', id);
      if (statement.status !== from) {
        throw new DomainError('INCENTIVES.INVALID_TRANSITION', `Statement ${id} is ${statement.status}; only ${from} statements can become ${to}`, { statementId: id, from: statement.status, to });
      }
      const now = this.clock.now();
      statement.status = to;
      apply(statement, now);
      await manager.save(StatementEntity, statement);
      await recordEvent(
        manager,
        { type, source: 'incentives', aggregateId: statement.id, payload: { statementId: statement.id, payeeKind: statement.payeeKind, payeeId: statement.payeeId, period: statement.period, currency: statement.currency, totalMinor: statement.total.toString(), status: to } },
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
      const payees = await this.payeesOf(kind, period);
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
    const manager = this.database.dataSource.manager;
    const [rules, programs] = await Promise.all([loadRules(manager), loadPrograms(manager)]);
    const [lines, clawbacks, volumeClawbacks, late] = await Promise.all([
      kind === 'PARTNER' ? this.partnerLines(ids, period, rules, programs) : this.distributorLines(ids, period, rules, programs),
      this.clawbacks(kind, ids, period),
      kind === 'PARTNER' ? this.volumeClawbacks(ids, period, rules, programs) : new Map<string, PayoutLine[]>(),
      kind === 'PARTNER' ? this.latePartnerLines(ids, period, rules, programs) : new Map<string, PayoutLine[]>(),
    ]);
    const owed = new Map(ids.map((id) => [id, [lines, clawbacks, volumeClawbacks, late].flatMap((found) => found.get(id) ?? [])]));
    const outcome = await this.writePage(kind, period, owed, commit);
    this.wakeRelay();
    return outcome;
  }

  /** Everyone the quarter may owe, and everyone with a statement for it already (it may now be empty). */
  private async payeesOf(kind: PayeeKind, period: Quarter): Promise<string[]> {
    const manager = this.database.dataSource.manager;
    const { from, to } = quarterBounds(period);
    const won = manager.createQueryBuilder(DealFactEntity, 'deal').where("deal.status = 'WON' AND deal.closedOn BETWEEN :from AND :to", { from, to });
    const ids = new Set<string>();
    const add = (rows: { id: string | null }[]) => rows.forEach((row) => row.id && ids.add(row.id));
    if (kind === 'PARTNER') {
      add(await won.clone().select('DISTINCT deal.partnerId', 'id').getRawMany());
      add(await won.clone().select('DISTINCT deal.referringPartnerId', 'id').andWhere('deal.referringPartnerId IS NOT NULL').getRawMany());
      add(
        await manager
          .createQueryBuilder(MdfClaimEntity, 'claim')
          .select('DISTINCT claim.partnerId', 'id')
          .where("claim.status = 'APPROVED' AND claim.decidedOn BETWEEN :from AND :to", { from, to })
          .getRawMany(),
      );
    } else {
      add(await won.clone().select('DISTINCT deal.distributorId', 'id').andWhere('deal.distributorId IS NOT NULL').getRawMany());
    }
    add(await manager.createQueryBuilder(StatementEntity, 'statement').select('DISTINCT statement.payeeId', 'id').where('statement.payeeKind = :kind AND statement.period = :period', { kind, period }).getRawMany());
    // Payees with paid lines of deals reversed since: their clawback may land in this quarter.
    add(
      await manager
        .createQueryBuilder(PayoutLineEntity, 'line')
        .innerJoin(StatementEntity, 'statement', 'statement.id = line.statementId')
        .innerJoin(DealFactEntity, 'deal', 'deal.dealId = line.dealId')
        .select('DISTINCT statement.payeeId', 'id')
        .where("statement.payeeKind = :kind AND statement.status IN ('APPROVED', 'PAID') AND deal.status = 'REVERSED' AND deal.reversedOn <= :to", { kind, to })
        .getRawMany(),
    );
    if (kind === 'PARTNER') {
      // Partners owed something a frozen statement missed (see latePartnerLines).
      const earliest = await manager
        .createQueryBuilder(StatementEntity, 'statement')
        .select('MIN(statement.computedAt)', 'at')
        .where("statement.status IN ('APPROVED', 'PAID')")
        .getRawOne<{ at: Date | string | null }>();
      if (earliest?.at) {
        const late = manager
          .createQueryBuilder(DealFactEntity, 'deal')
          .where("deal.status = 'WON' AND deal.closedOn < :from AND deal.lastEventAt > :at", { from, at: new Date(earliest.at) });
        add(await late.clone().select('DISTINCT deal.partnerId', 'id').getRawMany());
        add(await late.clone().select('DISTINCT deal.referringPartnerId', 'id').andWhere('deal.referringPartnerId IS NOT NULL').getRawMany());
        add(
          await manager
            .createQueryBuilder(MdfClaimEntity, 'claim')
            .select('DISTINCT claim.partnerId', 'id')
            .where("claim.status = 'APPROVED' AND claim.decidedOn < :from", { from })
            .andWhere(`NOT EXISTS (SELECT 1 FROM payout_line paid WHERE paid.source = ${this.claimSource('claim')})`)
            .getRawMany(),
        );
      }
      // Partners whose paid volume rebate lost deals to a reversal since (see volumeClawbacks).
      add(
        await manager
          .createQueryBuilder(DealFactEntity, 'deal')
          .innerJoin(StatementEntity, 'statement', "statement.payeeId = deal.partnerId AND statement.payeeKind = 'PARTNER' AND statement.status IN ('APPROVED', 'PAID')")
          .innerJoin(PayoutLineEntity, 'line', "line.statementId = statement.id AND line.rule = 'VOLUME_REBATE'")
          .select('DISTINCT deal.partnerId', 'id')
          .where("deal.status = 'REVERSED' AND deal.reversedOn <= :to", { to })
          .getRawMany(),
      );
    }
    return [...ids].sort();
  }

  /** Own deal payouts, referral fees, the volume rebate and approved MDF claims of a page of partners. */
  private async partnerLines(partnerIds: string[], period: Quarter, rules: RuleVersion[], programs: Map<string, ProgramFactEntity>): Promise<Map<string, PayoutLine[]>> {
    const manager = this.database.dataSource.manager;
    const { from, to } = quarterBounds(period);
    const [own, referred, claims] = await Promise.all([
      manager.findBy(DealFactEntity, { ...wonBetween(from, to), partnerId: In(partnerIds) }),
      manager.findBy(DealFactEntity, { ...wonBetween(from, to), referringPartnerId: In(partnerIds) }),
      manager.findBy(MdfClaimEntity, { status: 'APPROVED', decidedOn: Between(from, to), partnerId: In(partnerIds) }),
    ]);
    const histories = await PartnerHistories.load(manager, partnerIds, programs);
    const requests = claims.length > 0 ? await manager.findBy(MdfRequestEntity, { id: In(claims.map((c) => c.requestId)) }) : [];
    const activityOf = new Map(requests.map((r) => [r.id, r.activity]));
    const lines = new Map<string, PayoutLine[]>();
    const push = (line: PayoutLine) => append(lines, line.payee.id, line);

    const quarterDeals = new Map<string, QuarterDeal[]>();
    for (const row of own) {
      const deal = dealFacts(row);
      const standing = histories.standingOn(row.partnerId, row.closedOn!);
      if (!standing) continue;
      append(quarterDeals, row.partnerId, { deal, standing });
      for (const line of dealPayouts(deal, standing, { ...dealRuleSet(rules, row.programCode, row.closedOn!), referral: undefined, distributor: undefined })) push(line);
    }
    for (const row of referred) {
      const rule = ruleInEffect(rules, row.programCode, 'REFERRAL_FEE', row.closedOn!);
      const line = rule && referralFee(dealFacts(row), rule);
      if (line) push(line);
    }
    for (const [partnerId, deals] of quarterDeals) {
      const program = histories.partner(partnerId)?.programCode;
      const rule = program && ruleInEffect(rules, program, 'VOLUME_REBATE', to);
      const line = rule && volumeRebate(partnerId, period, deals, rule);
      if (line) push(line);
    }
    for (const claim of claims) {
      const program = histories.partner(claim.partnerId)?.programCode;
      const version = program ? (ruleInEffect(rules, program, 'MDF', claim.decidedOn!)?.version ?? 1) : 1;
      push(
        mdfPayout(
          { claimId: claim.id, partnerId: claim.partnerId, amountMinor: claim.amount, currency: claim.currency, activity: activityOf.get(claim.requestId) ?? '', proofOfPerformance: claim.proofOfPerformance, decidedOn: claim.decidedOn! },
          version,
        ),
      );
    }
    return lines;
  }

  /** The distributor incentive on sales fulfilled for partners in the paying tiers on the close date. */
  private async distributorLines(distributorIds: string[], period: Quarter, rules: RuleVersion[], programs: Map<string, ProgramFactEntity>): Promise<Map<string, PayoutLine[]>> {
    const manager = this.database.dataSource.manager;
    const { from, to } = quarterBounds(period);
    const deals = await manager.findBy(DealFactEntity, { ...wonBetween(from, to), distributorId: In(distributorIds) });
    const histories = await PartnerHistories.load(
      manager,
      deals.map((d) => d.partnerId),
      programs,
    );
    const lines = new Map<string, PayoutLine[]>();
    for (const row of deals) {
      const standing = histories.standingOn(row.partnerId, row.closedOn!);
      const rule = ruleInEffect(rules, row.programCode, 'DISTRIBUTOR_INCENTIVE', row.closedOn!);
      const line = standing && rule && distributorIncentive(dealFacts(row), standing, rule);
      if (line) append(lines, line.payee.id, line);
    }
    return lines;
  }

  /**
   * Negative lines for everything already paid (approved or paid statements) on deals reversed
   * since, landing in the first quarter from the reversal's whose statement is still open; once
   * a clawback sits in an approved statement it is not repeated.
   */
  private async clawbacks(kind: PayeeKind, payeeIds: string[], period: Quarter): Promise<Map<string, PayoutLine[]>> {
    const manager = this.database.dataSource.manager;
    const { to } = quarterBounds(period);
    const paid = await manager
      .createQueryBuilder(PayoutLineEntity, 'line')
      .innerJoin(StatementEntity, 'statement', 'statement.id = line.statementId')
      .innerJoin(DealFactEntity, 'deal', 'deal.dealId = line.dealId')
      .select(['line.rule AS rule', 'line.ruleVersion AS ruleVersion', 'line.source AS source', 'line.dealId AS dealId', 'line.base AS base', 'line.rate AS rate'])
      .addSelect(['line.amount AS amount', 'line.currency AS currency', 'line.explanation AS explanation', 'statement.payeeId AS payeeId', 'statement.period AS paidPeriod', 'deal.reversedOn AS reversedOn'])
      .where("statement.payeeKind = :kind AND statement.payeeId IN (:...payeeIds) AND statement.status IN ('APPROVED', 'PAID')", { kind, payeeIds })
      .andWhere("deal.status = 'REVERSED' AND deal.reversedOn <= :to", { to })
      .getRawMany<{ rule: string; ruleVersion: number; source: string; dealId: string; base: string; rate: string; amount: string; currency: string; explanation: string; payeeId: string; paidPeriod: string; reversedOn: string | Date }>();
    if (paid.length === 0) return new Map();
    const statuses = await manager.find(StatementEntity, { select: { payeeId: true, period: true, status: true }, where: { payeeKind: kind, payeeId: In(payeeIds) } });
    const finalPeriods = new Set(statuses.filter((s) => FINAL.includes(s.status)).map((s) => `${s.payeeId}:${s.period}`));
    // A deal's lines are clawed back together, once: when what is frozen for a deal nets to zero
    // (originals plus an approved clawback), nothing more is due.
    const frozenNet = new Map<string, bigint>();
    for (const row of paid) {
      const key = `${row.payeeId}:${row.source}`;
      frozenNet.set(key, (frozenNet.get(key) ?? 0n) + BigInt(row.amount));
    }
    const lines = new Map<string, PayoutLine[]>();
    for (const row of paid) {
      if (row.rule === 'CLAWBACK') continue;
      const reversedOn = typeof row.reversedOn === 'string' ? row.reversedOn.slice(0, 10) : row.reversedOn.toISOString().slice(0, 10);
      let target = quarterOf(reversedOn);
      while (finalPeriods.has(`${row.payeeId}:${target}`)) target = nextQuarter(target);
      if (target !== period) continue;
      const original: PayoutLine = {
        rule: row.rule as PayoutLine['rule'],
        ruleVersion: Number(row.ruleVersion),
        source: row.source,
        baseMinor: BigInt(row.base),
        rate: row.rate,
        amountMinor: BigInt(row.amount),
        currency: row.currency,
        explanation: row.explanation,
        payee: { kind, id: row.payeeId },
      };
      if (frozenNet.get(`${row.payeeId}:${row.source}`) === 0n) continue;
      append(lines, row.payeeId, clawback(original, reversedOn, row.paidPeriod));
    }
    return lines;
  }

  /**
   * What a frozen statement missed: a deal won (or backdated) into a quarter after that quarter's
   * statement was computed, or an MDF claim approved after it, has no line in any approved or
   * paid statement. It is paid in the first open quarter after its own, like a clawback in
   * reverse. A quarter never computed for the payee is not "missed": computing it pays them.
   */
  private async latePartnerLines(partnerIds: string[], period: Quarter, rules: RuleVersion[], programs: Map<string, ProgramFactEntity>): Promise<Map<string, PayoutLine[]>> {
    const manager = this.database.dataSource.manager;
    const { from } = quarterBounds(period);
    const finals = await manager.find(StatementEntity, { select: { payeeId: true, period: true, status: true, computedAt: true }, where: { payeeKind: 'PARTNER', payeeId: In(partnerIds) } });
    const frozen = finals.filter((st) => FINAL.includes(st.status));
    if (frozen.length === 0) return new Map();
    const frozenAt = new Map(frozen.map((st) => [`${st.payeeId}:${st.period}`, st.computedAt]));
    const earliest = new Date(Math.min(...frozen.map((st) => st.computedAt.getTime())));
    const paidFor = (alias: string, source: string) =>
      `NOT EXISTS (SELECT 1 FROM payout_line paid INNER JOIN statement frozen ON frozen.id = paid.statementId WHERE ${source} AND frozen.payeeId = ${alias} AND frozen.status IN ('APPROVED', 'PAID'))`;
    const deals = await manager
      .createQueryBuilder(DealFactEntity, 'deal')
      .where("deal.status = 'WON' AND deal.closedOn < :from AND deal.lastEventAt > :earliest", { from, earliest })
      .andWhere(new Brackets((payee) => payee.where('deal.partnerId IN (:...partnerIds)', { partnerIds }).orWhere('deal.referringPartnerId IN (:...partnerIds)')))
      .getMany();
    const claims = await manager
      .createQueryBuilder(MdfClaimEntity, 'claim')
      .where("claim.status = 'APPROVED' AND claim.decidedOn < :from AND claim.partnerId IN (:...partnerIds)", { from, partnerIds })
      .andWhere(paidFor('claim.partnerId', `paid.source = ${this.claimSource('claim')}`))
      .getMany();
    const alreadyPaid = deals.length === 0 ? new Set<string>() : new Set(
      (await manager
        .createQueryBuilder(PayoutLineEntity, 'line')
        .innerJoin(StatementEntity, 'statement', 'statement.id = line.statementId')
        .select(['line.dealId AS dealId', 'statement.payeeId AS payeeId'])
        .where("line.dealId IN (:...dealIds) AND statement.status IN ('APPROVED', 'PAID')", { dealIds: deals.map((d) => d.dealId) })
        .getRawMany<{ dealId: string; payeeId: string }>()).map((row) => `${row.payeeId}:${row.dealId}`),
    );
    const finalPeriods = new Set(frozenAt.keys());
    const dueHere = (payeeId: string, ownQuarter: Quarter) => {
      let target = nextQuarter(ownQuarter);
      while (finalPeriods.has(`${payeeId}:${target}`)) target = nextQuarter(target);
      return target === period;
    };
    const lines = new Map<string, PayoutLine[]>();
    const push = (line: PayoutLine) => append(lines, line.payee.id, line);
    const histories = await PartnerHistories.load(manager, deals.map((d) => d.partnerId), programs);
    for (const row of deals) {
      const quarter = quarterOf(row.closedOn!);
      const standing = histories.standingOn(row.partnerId, row.closedOn!);
      if (!standing) continue;
      for (const line of dealPayouts(dealFacts(row), standing, { ...dealRuleSet(rules, row.programCode, row.closedOn!), distributor: undefined })) {
        const computedAt = frozenAt.get(`${line.payee.id}:${quarter}`);
        if (!partnerIds.includes(line.payee.id) || !computedAt || row.lastEventAt <= computedAt) continue;
        if (alreadyPaid.has(`${line.payee.id}:${row.dealId}`) || !dueHere(line.payee.id, quarter)) continue;
        push({ ...line, explanation: `Late: closed ${row.closedOn} after the ${quarter} statement was computed. ${line.explanation}` });
      }
    }
    for (const claim of claims) {
      const quarter = quarterOf(claim.decidedOn!);
      if (!frozenAt.has(`${claim.partnerId}:${quarter}`) || !dueHere(claim.partnerId, quarter)) continue;
      const program = histories.partner(claim.partnerId)?.programCode ?? (await manager.findOneBy(PartnerFactEntity, { id: claim.partnerId }))?.programCode;
      const version = program ? ruleInEffect(rules, program, 'MDF', claim.decidedOn!)?.version : undefined;
      if (version === undefined) continue;
      const line = mdfPayout({ claimId: claim.id, partnerId: claim.partnerId, amountMinor: claim.amount, currency: claim.currency, activity: '', proofOfPerformance: claim.proofOfPerformance, decidedOn: claim.decidedOn! }, version);
      push({ ...line, explanation: `Late: approved ${claim.decidedOn} after the ${quarter} statement was computed. ${line.explanation}` });
    }
    return lines;
  }

  /** The payout-line source of an MDF claim, as SQL (string concatenation differs by dialect). */
  private claimSource(alias: string): string {
    return this.database.dialect === 'mysql' ? `CONCAT('mdf-claim:', ${alias}.id)` : `'mdf-claim:' || ${alias}.id`;
  }

  /**
   * A quarterly volume rebate already paid is derived from every deal of its quarter: when some
   * of them are reversed later, the rebate is recomputed without them (the band may drop) and
   * the difference, less what was already taken back, lands in the first open quarter from the
   * latest reversal.
   */
  private async volumeClawbacks(partnerIds: string[], period: Quarter, rules: RuleVersion[], programs: Map<string, ProgramFactEntity>): Promise<Map<string, PayoutLine[]>> {
    const manager = this.database.dataSource.manager;
    const { to } = quarterBounds(period);
    const frozen = await manager
      .createQueryBuilder(PayoutLineEntity, 'line')
      .innerJoin(StatementEntity, 'statement', 'statement.id = line.statementId')
      .select(['line.rule AS rule', 'line.ruleVersion AS ruleVersion', 'line.source AS source', 'line.base AS base', 'line.amount AS amount', 'line.currency AS currency'])
      .addSelect(['statement.payeeId AS payeeId', 'statement.period AS paidPeriod'])
      .where("statement.payeeKind = 'PARTNER' AND statement.payeeId IN (:...partnerIds) AND statement.status IN ('APPROVED', 'PAID')", { partnerIds })
      .andWhere("line.source LIKE 'quarter:%' AND line.rule IN ('VOLUME_REBATE', 'CLAWBACK')")
      .getRawMany<{ rule: string; ruleVersion: number; source: string; base: string; amount: string; currency: string; payeeId: string; paidPeriod: string }>();
    const originals = frozen.filter((row) => row.rule === 'VOLUME_REBATE');
    if (originals.length === 0) return new Map();
    const reversed = await manager.find(DealFactEntity, {
      select: { partnerId: true, closedOn: true, reversedOn: true },
      where: { status: 'REVERSED', partnerId: In(originals.map((row) => row.payeeId)), reversedOn: LessThanOrEqual(to) },
    });
    const statuses = await manager.find(StatementEntity, { select: { payeeId: true, period: true, status: true }, where: { payeeKind: 'PARTNER', payeeId: In(partnerIds) } });
    const finalPeriods = new Set(statuses.filter((st) => FINAL.includes(st.status)).map((st) => `${st.payeeId}:${st.period}`));
    const lines = new Map<string, PayoutLine[]>();
    for (const original of originals) {
      const quarter = original.source.split(':')[2]!;
      const reversals = reversed.filter((deal) => deal.partnerId === original.payeeId && deal.closedOn !== null && quarterOf(deal.closedOn) === quarter);
      if (reversals.length === 0) continue;
      const latest = reversals.map((deal) => deal.reversedOn!).sort().at(-1)!;
      let target = quarterOf(latest);
      while (finalPeriods.has(`${original.payeeId}:${target}`)) target = nextQuarter(target);
      if (target !== period) continue;
      const bounds = quarterBounds(quarter);
      const won = await manager.findBy(DealFactEntity, { ...wonBetween(bounds.from, bounds.to), partnerId: original.payeeId });
      const histories = await PartnerHistories.load(manager, [original.payeeId], programs);
      const deals = won.flatMap((row) => {
        const standing = histories.standingOn(row.partnerId, row.closedOn!);
        return standing ? [{ deal: dealFacts(row), standing }] : [];
      });
      const program = histories.partner(original.payeeId)?.programCode;
      // The version that was paid, not whatever is in effect now: closed periods keep their rules.
      const rule = program ? (rules.find((r) => r.kind === 'VOLUME_REBATE' && r.programCode === program && r.version === Number(original.ruleVersion)) as RuleVersion<'VOLUME_REBATE'> | undefined) : undefined;
      const recomputed = (rule && volumeRebate(original.payeeId, quarter, deals, rule)) || null;
      const settled = frozen.filter((row) => row.payeeId === original.payeeId && row.source === original.source).reduce((sum, row) => sum + BigInt(row.amount), 0n);
      const due = (recomputed?.amountMinor ?? 0n) - settled;
      if (due === 0n) continue;
      const was = BigInt(original.amount);
      lines.set(original.payeeId, [
        ...(lines.get(original.payeeId) ?? []),
        {
          rule: 'CLAWBACK',
          ruleVersion: Number(original.ruleVersion),
          source: original.source,
          baseMinor: BigInt(original.base) - (recomputed?.baseMinor ?? 0n),
          rate: '—',
          amountMinor: due,
          currency: original.currency,
          explanation:
            `Clawback: ${reversals.length} deal${reversals.length === 1 ? '' : 's'} of ${quarter} reversed (latest ${latest}); the VOLUME_REBATE v${original.ruleVersion} of ` +
            `${formatAmount(was, original.currency)} ${original.currency} paid in ${original.paidPeriod} is now ${formatAmount(recomputed?.amountMinor ?? 0n, original.currency)} ${original.currency}`,
          payee: { kind: 'PARTNER', id: original.payeeId },
        },
      ]);
    }
    return lines;
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
        await recordEvents(manager, events, now);
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
    if (this.database.dialect === 'mysql') query.setLock('pessimistic_write');
    return query.getMany();
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

