import { In } from 'typeorm';
import type { Claims } from '@hub/auth';
import { parseQuarter, withDraft, type PayoutLine, type Quarter, type RuleKind, type RuleVersion } from '../domain';
import { PayoutLineEntity, StatementEntity, type PayeeKind, type StatementStatus } from '../entities';
import { requireAdmin } from './access';
import { FINAL, owedOnPage, type PageLedger } from './payouts';
import type { RuleInput, RulesService } from './rules';
import type { StatementsService } from './statements.service';

export interface SimulatedAmounts {
  currency: string;
  /** What computeStatements gives under the published rules (an approved or paid statement: its total). */
  currentMinor: bigint;
  /** The same under the draft rules. */
  simulatedMinor: bigint;
}

export interface SimulatedStatement extends SimulatedAmounts {
  payeeKind: PayeeKind;
  payeeId: string;
  /** The statement's status today; null when the quarter has none for the payee yet. */
  status: StatementStatus | null;
}

export interface StatementSimulation {
  period: Quarter;
  payees: SimulatedStatement[];
  totals: SimulatedAmounts[];
  byRuleKind: (SimulatedAmounts & { kind: RuleKind })[];
}

/**
 * What-if for the rule book: the quarter computed under draft rule versions next to the
 * published ones, written nowhere. It walks the same pages and payout sources as
 * computeStatements, each page's ledger read once for both rule sets, and treats approved and
 * paid statements as computeStatements does: they keep their amounts under any rules.
 */
export class SimulationService {
  constructor(
    private readonly statements: StatementsService,
    private readonly rules: RulesService,
  ) {}

  async simulate(claims: Claims | null, periodInput: string, drafts: readonly RuleInput[]): Promise<StatementSimulation> {
    requireAdmin(claims);
    const period = parseQuarter('period', periodInput);
    const published = await this.statements.rules();
    let drafted: RuleVersion[] = published;
    for (const [i, input] of drafts.entries()) {
      const draft = await this.rules.parseDraft(input, `draftRules[${i}].`);
      drafted = withDraft(drafted, draft, `draftRules[${i}].effectiveFrom`).rules;
    }
    const tally = new Tally();
    for (const { payload } of await this.statements.plan(period)) {
      const ledger = await this.statements.pageLedger({ ...payload, period });
      const [current, simulated, stored] = await Promise.all([owedOnPage(ledger, published), owedOnPage(ledger, drafted), storedStatements(ledger)]);
      for (const payeeId of payload.ids) tally.payee(payload.kind, payeeId, current.get(payeeId) ?? [], simulated.get(payeeId) ?? [], stored.get(payeeId) ?? []);
    }
    return { period, ...tally.result() };
  }
}

interface StoredStatement {
  currency: string;
  status: StatementStatus;
  totalMinor: bigint;
  /** Only for approved and paid statements, whose lines stand whatever the rules. */
  lines: { rule: RuleKind; amountMinor: bigint }[];
}

/** The page's statements of the quarter, with the lines of the frozen ones: two queries. */
async function storedStatements(ledger: PageLedger): Promise<Map<string, StoredStatement[]>> {
  const { kind, ids, period } = ledger.page;
  const statements = await ledger.manager.find(StatementEntity, { where: { payeeKind: kind, period, payeeId: In(ids) } });
  const frozenIds = statements.filter((st) => FINAL.includes(st.status)).map((st) => st.id);
  const lines = frozenIds.length === 0 ? [] : await ledger.manager.find(PayoutLineEntity, { select: { statementId: true, rule: true, amount: true }, where: { statementId: In(frozenIds) } });
  const linesOf = new Map<string, StoredStatement['lines']>();
  for (const line of lines) linesOf.set(line.statementId, [...(linesOf.get(line.statementId) ?? []), { rule: line.rule, amountMinor: line.amount }]);
  const byPayee = new Map<string, StoredStatement[]>();
  for (const st of statements) {
    const stored: StoredStatement = { currency: st.currency, status: st.status, totalMinor: st.total, lines: linesOf.get(st.id) ?? [] };
    byPayee.set(st.payeeId, [...(byPayee.get(st.payeeId) ?? []), stored]);
  }
  return byPayee;
}

/** Sums per payee and currency, per currency, and per rule kind and currency. */
class Tally {
  private readonly payees: SimulatedStatement[] = [];
  private readonly totals = new Map<string, SimulatedAmounts>();
  private readonly kinds = new Map<string, SimulatedAmounts & { kind: RuleKind }>();

  payee(payeeKind: PayeeKind, payeeId: string, current: readonly PayoutLine[], simulated: readonly PayoutLine[], stored: readonly StoredStatement[]): void {
    const currencies = new Set([...current, ...simulated, ...stored].map((x) => x.currency));
    for (const currency of [...currencies].sort()) {
      const statement = stored.find((st) => st.currency === currency);
      if (statement && FINAL.includes(statement.status)) {
        // computeStatements leaves it as it is, whatever the rules: both sides hold its lines.
        this.add(payeeKind, payeeId, currency, statement.status, statement.totalMinor, statement.totalMinor);
        for (const line of statement.lines) this.addKind(line.rule, currency, line.amountMinor, line.amountMinor);
        continue;
      }
      const now = current.filter((line) => line.currency === currency);
      const then = simulated.filter((line) => line.currency === currency);
      this.add(payeeKind, payeeId, currency, statement?.status ?? null, sum(now), sum(then));
      for (const line of now) this.addKind(line.rule, currency, line.amountMinor, 0n);
      for (const line of then) this.addKind(line.rule, currency, 0n, line.amountMinor);
    }
  }

  result(): Omit<StatementSimulation, 'period'> {
    const byKey = <T extends SimulatedAmounts>(map: Map<string, T>) => [...map.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, value]) => value);
    return { payees: this.payees, totals: byKey(this.totals), byRuleKind: byKey(this.kinds) };
  }

  private add(payeeKind: PayeeKind, payeeId: string, currency: string, status: StatementStatus | null, currentMinor: bigint, simulatedMinor: bigint): void {
    this.payees.push({ payeeKind, payeeId, currency, status, currentMinor, simulatedMinor });
    const total = this.totals.get(currency) ?? { currency, currentMinor: 0n, simulatedMinor: 0n };
    total.currentMinor += currentMinor;
    total.simulatedMinor += simulatedMinor;
    this.totals.set(currency, total);
  }

  private addKind(kind: RuleKind, currency: string, currentMinor: bigint, simulatedMinor: bigint): void {
    const key = `${kind}:${currency}`;
    const total = this.kinds.get(key) ?? { kind, currency, currentMinor: 0n, simulatedMinor: 0n };
    total.currentMinor += currentMinor;
    total.simulatedMinor += simulatedMinor;
    this.kinds.set(key, total);
  }
}

function sum(lines: readonly PayoutLine[]): bigint {
  return lines.reduce((total, line) => total + line.amountMinor, 0n);
}
