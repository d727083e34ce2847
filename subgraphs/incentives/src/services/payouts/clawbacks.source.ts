import { In, LessThanOrEqual } from 'typeorm';
import { clawback, quarterBounds, quarterOf, quarterRebateClawback, ruleKindModules, type PayoutLine, type RuleVersion, type RuleVersionOf } from '../../domain';
import { DealFactEntity, PayoutLineEntity, StatementEntity } from '../../entities';
import { dealFacts, wonBetween } from '../ledger-reader';
import { distinctIds, type PageLedger, type PayoutSource, type PeriodScope } from './page-ledger';

const QUARTER_KINDS = ruleKindModules.filter((module) => module.quarter).map((module) => module.kind);

/**
 * Negative lines for what frozen statements paid on deals reversed since. Each lands in the
 * first quarter from the reversal's whose statement is still open; once a clawback sits in a
 * frozen statement it is not repeated.
 */
export const clawbacksSource: PayoutSource = {
  name: 'clawbacks',
  payeeKinds: ['PARTNER', 'DISTRIBUTOR'],
  async payees(scope) {
    return [...(await paidOnReversedDeals(scope)), ...(scope.kind === 'PARTNER' ? await rebatesLosingDeals(scope) : [])];
  },
  async lines(ledger, rules) {
    const [deals, quarters] = await Promise.all([dealClawbacks(ledger), ledger.page.kind === 'PARTNER' ? quarterClawbacks(ledger, rules) : []]);
    return [...deals, ...quarters];
  },
};

/** Payees with paid lines of deals reversed since: their clawback may land in this quarter. */
function paidOnReversedDeals(scope: PeriodScope): Promise<(string | null)[]> {
  return distinctIds(
    scope.manager
      .createQueryBuilder(PayoutLineEntity, 'line')
      .innerJoin(StatementEntity, 'statement', 'statement.id = line.statementId')
      .innerJoin(DealFactEntity, 'deal', 'deal.dealId = line.dealId')
      .select('DISTINCT statement.payeeId', 'id')
      .where("statement.payeeKind = :kind AND statement.status IN ('APPROVED', 'PAID') AND deal.status = 'REVERSED' AND deal.reversedOn <= :to", { kind: scope.kind, to: scope.to })
      .getRawMany(),
  );
}

/** Partners whose paid quarter-level rebate lost deals to a reversal since. */
function rebatesLosingDeals(scope: PeriodScope): Promise<(string | null)[]> {
  return distinctIds(
    scope.manager
      .createQueryBuilder(DealFactEntity, 'deal')
      .innerJoin(StatementEntity, 'statement', "statement.payeeId = deal.partnerId AND statement.payeeKind = 'PARTNER' AND statement.status IN ('APPROVED', 'PAID')")
      .innerJoin(PayoutLineEntity, 'line', "line.statementId = statement.id AND line.source LIKE 'quarter:%'")
      .select('DISTINCT deal.partnerId', 'id')
      .where("deal.status = 'REVERSED' AND deal.reversedOn <= :to", { to: scope.to })
      .getRawMany(),
  );
}

/** A deal's paid lines are clawed back together, once. */
async function dealClawbacks(ledger: PageLedger): Promise<PayoutLine[]> {
  const { kind, ids, period } = ledger.page;
  const paid = await ledger.once('clawbacks:paid', () =>
    ledger.manager
      .createQueryBuilder(PayoutLineEntity, 'line')
      .innerJoin(StatementEntity, 'statement', 'statement.id = line.statementId')
      .innerJoin(DealFactEntity, 'deal', 'deal.dealId = line.dealId')
      .select(['line.rule AS rule', 'line.ruleVersion AS ruleVersion', 'line.source AS source', 'line.dealId AS dealId', 'line.base AS base', 'line.rate AS rate'])
      .addSelect(['line.amount AS amount', 'line.currency AS currency', 'line.explanation AS explanation', 'statement.payeeId AS payeeId', 'statement.period AS paidPeriod', 'deal.reversedOn AS reversedOn'])
      .where("statement.payeeKind = :kind AND statement.payeeId IN (:...ids) AND statement.status IN ('APPROVED', 'PAID')", { kind, ids })
      .andWhere("deal.status = 'REVERSED' AND deal.reversedOn <= :to", { to: ledger.to })
      .getRawMany<{ rule: string; ruleVersion: number; source: string; dealId: string; base: string; rate: string; amount: string; currency: string; explanation: string; payeeId: string; paidPeriod: string; reversedOn: string | Date }>(),
  );
  if (paid.length === 0) return [];
  const { frozen } = await ledger.statements();
  // When what is frozen for a deal nets to zero (originals plus an approved clawback), nothing more is due.
  const frozenNet = new Map<string, bigint>();
  for (const row of paid) {
    const key = `${row.payeeId}:${row.source}`;
    frozenNet.set(key, (frozenNet.get(key) ?? 0n) + BigInt(row.amount));
  }
  const lines: PayoutLine[] = [];
  for (const row of paid) {
    if (row.rule === 'CLAWBACK' || frozenNet.get(`${row.payeeId}:${row.source}`) === 0n) continue;
    const reversedOn = typeof row.reversedOn === 'string' ? row.reversedOn.slice(0, 10) : row.reversedOn.toISOString().slice(0, 10);
    if (frozen.firstOpenFrom(row.payeeId, quarterOf(reversedOn)) !== period) continue;
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
    lines.push(clawback(original, reversedOn, row.paidPeriod));
  }
  return lines;
}

/**
 * A quarter-level payout already paid (the volume rebate) is derived from every deal of its
 * quarter: when some are reversed later it is recomputed without them, under the version that
 * was paid (the band may drop), and the difference, less what was already taken back, lands in
 * the first open quarter from the latest reversal.
 */
async function quarterClawbacks(ledger: PageLedger, rules: readonly RuleVersion[]): Promise<PayoutLine[]> {
  const { ids, period } = ledger.page;
  const frozenLines = await ledger.once('clawbacks:quarter-lines', () =>
    ledger.manager
      .createQueryBuilder(PayoutLineEntity, 'line')
      .innerJoin(StatementEntity, 'statement', 'statement.id = line.statementId')
      .select(['line.rule AS rule', 'line.ruleVersion AS ruleVersion', 'line.source AS source', 'line.amount AS amount', 'line.currency AS currency'])
      .addSelect(['statement.payeeId AS payeeId', 'statement.period AS paidPeriod'])
      .where("statement.payeeKind = 'PARTNER' AND statement.payeeId IN (:...ids) AND statement.status IN ('APPROVED', 'PAID')", { ids })
      .andWhere("line.source LIKE 'quarter:%' AND line.rule IN (:...rules)", { rules: [...QUARTER_KINDS, 'CLAWBACK'] })
      .getRawMany<{ rule: string; ruleVersion: number; source: string; amount: string; currency: string; payeeId: string; paidPeriod: string }>(),
  );
  const originals = frozenLines.filter((row) => row.rule !== 'CLAWBACK');
  if (originals.length === 0) return [];
  const reversed = await ledger.once('clawbacks:reversed', () =>
    ledger.manager.find(DealFactEntity, {
      select: { partnerId: true, closedOn: true, reversedOn: true },
      where: { status: 'REVERSED', partnerId: In(originals.map((row) => row.payeeId)), reversedOn: LessThanOrEqual(ledger.to) },
    }),
  );
  const { frozen } = await ledger.statements();
  const due = originals.flatMap((original) => {
    const quarter = original.source.split(':')[2]!;
    const reversals = reversed.filter((deal) => deal.partnerId === original.payeeId && deal.closedOn !== null && quarterOf(deal.closedOn) === quarter);
    if (reversals.length === 0) return [];
    const latest = reversals.map((deal) => deal.reversedOn!).sort().at(-1)!;
    return frozen.firstOpenFrom(original.payeeId, quarterOf(latest)) === period ? [{ original, quarter, reversals: reversals.length, latest }] : [];
  });
  if (due.length === 0) return [];
  const partnerIds = [...new Set(due.map(({ original }) => original.payeeId))];
  // The remaining deals of every quarter to recompute, for every partner at once: one read
  // spanning the earliest to the latest of those quarters, sorted out in memory.
  const quarters = due.map(({ quarter }) => quarterBounds(quarter));
  const [histories, won] = await Promise.all([
    ledger.histories(partnerIds),
    ledger.once('clawbacks:recomputed-deals', () =>
      ledger.manager.findBy(DealFactEntity, { ...wonBetween(quarters.map((q) => q.from).sort()[0]!, quarters.map((q) => q.to).sort().at(-1)!), partnerId: In(partnerIds) }),
    ),
  ]);
  const lines: PayoutLine[] = [];
  for (const { original, quarter, reversals, latest } of due) {
    const deals = won.flatMap((row) => {
      if (row.partnerId !== original.payeeId || quarterOf(row.closedOn!) !== quarter) return [];
      const standing = histories.standingOn(row.partnerId, row.closedOn!);
      return standing ? [{ deal: dealFacts(row), standing }] : [];
    });
    const program = histories.partner(original.payeeId)?.programCode;
    const module = ruleKindModules.find((m) => m.kind === original.rule);
    // The version that was paid, not whatever is in effect now: closed periods keep their rules.
    const rule = program ? rules.find((r) => r.kind === original.rule && r.programCode === program && r.version === Number(original.ruleVersion)) : undefined;
    const recomputed = (rule && module?.quarter?.compute(original.payeeId, quarter, deals, rule as RuleVersionOf<typeof rule.kind, unknown>)) || null;
    const settledMinor = frozenLines.filter((row) => row.payeeId === original.payeeId && row.source === original.source).reduce((sum, row) => sum + BigInt(row.amount), 0n);
    const line = quarterRebateClawback({
      original: { rule: original.rule, ruleVersion: Number(original.ruleVersion), source: original.source, amountMinor: BigInt(original.amount), currency: original.currency, paidPeriod: original.paidPeriod },
      partnerId: original.payeeId,
      quarter,
      recomputedMinor: recomputed?.amountMinor ?? 0n,
      settledMinor,
      reversals,
      latestReversal: latest,
    });
    if (line) lines.push(line);
  }
  return lines;
}
