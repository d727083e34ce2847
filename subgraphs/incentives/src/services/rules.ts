import { MoreThan, type EntityManager } from 'typeorm';
import type { Claims } from '@hub/auth';
import { requireClaims } from '@hub/auth';
import { newId, type Database } from '@hub/db';
import { addDays, DomainError, InvalidInputError, NotFoundError, parseIsoDate, type IsoDate } from '@hub/domain';
import { isDuplicateKeyError } from '@hub/events';
import { parseRuleParameters, quarterOf, ruleInEffect, ruleParameterIssues, withDraft, type DraftRule, type RuleKind, type RuleVersion } from '../domain';
import { DealFactEntity, IncentiveRuleEntity, PartnerFactEntity, PayoutLineEntity, ProgramFactEntity, StatementEntity } from '../entities';
import { requireAdmin } from './access';

/** Every rule version of every program: a few dozen rows, read once per computation. */
export async function loadRules(manager: EntityManager): Promise<RuleVersion[]> {
  const rows = await manager.find(IncentiveRuleEntity, { order: { programCode: 'ASC', kind: 'ASC', version: 'ASC' } });
  return rows.map(toRuleVersion);
}

/**
 * A stored row read through its kind's schema. Rows are written only through that schema
 * (publishIncentiveRule, seeds), so a row that fails it was edited by hand: computing with it
 * would pay on guessed parameters, so it stops the computation and names the row.
 */
export function toRuleVersion(row: IncentiveRuleEntity): RuleVersion {
  const issues = ruleParameterIssues(row.kind, row.parameters);
  if (issues.length > 0) {
    throw new Error(`incentive_rule ${row.programCode} ${row.kind} v${row.version} has invalid parameters: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`);
  }
  return { kind: row.kind, programCode: row.programCode, version: row.version, effectiveFrom: row.effectiveFrom, effectiveTo: row.effectiveTo, parameters: row.parameters } as RuleVersion;
}

/** publishIncentiveRule's input as the API receives it: the parameters are JSON text. */
export interface RuleInput {
  programCode: string;
  kind: RuleKind;
  effectiveFrom: string;
  parameters: string;
}

/**
 * The rule book: every signed-in caller may read it; vendor admins add versions and retire
 * them, never into a quarter whose statements for the program are approved or paid (those
 * statements keep the rules they were computed under, and a version must say truthfully
 * which periods it governed).
 */
export class RulesService {
  constructor(private readonly database: Database) {}

  async inEffect(claims: Claims | null, programCode: string, asOf: string | null | undefined): Promise<IncentiveRuleEntity[]> {
    requireClaims(claims);
    const manager = this.database.dataSource.manager;
    const rows = await manager.find(IncentiveRuleEntity, { where: { programCode }, order: { kind: 'ASC', version: 'ASC' } });
    if (!asOf) return rows;
    const date = parseIsoDate('asOf', asOf);
    const rules = await loadRules(manager);
    return rows.filter((row) => ruleInEffect(rules, programCode, row.kind, date)?.version === row.version);
  }

  /**
   * Checks a draft as publishing would, field by field (`field` prefixes the names, e.g.
   * `draftRules[0].`): a known program, a date, parameters the kind's schema accepts.
   */
  async parseDraft(input: RuleInput, prefix = ''): Promise<DraftRule> {
    const programCode = input.programCode.trim();
    if (!(await this.database.dataSource.manager.existsBy(ProgramFactEntity, { code: programCode }))) {
      throw new InvalidInputError(`${prefix}programCode`, `no program "${input.programCode.slice(0, 40)}" is known`);
    }
    const effectiveFrom = parseIsoDate(`${prefix}effectiveFrom`, input.effectiveFrom);
    let raw: unknown;
    try {
      raw = JSON.parse(input.parameters);
    } catch {
      throw new InvalidInputError(`${prefix}parameters`, 'must be a JSON object');
    }
    return { programCode, kind: input.kind, effectiveFrom, parameters: parseRuleParameters(input.kind, raw, `${prefix}parameters`) };
  }

  /** Adds the next version of a program's rule; the version in effect until then ends the day before. */
  async publish(claims: Claims | null, input: RuleInput): Promise<IncentiveRuleEntity> {
    requireAdmin(claims);
    const draft = await this.parseDraft(input);
    // Two publications of one rule at once both take the next version number; the unique index
    // refuses the second, which runs again and then follows (or is refused by) the first.
    return retryOnDuplicateKey(() =>
      this.database.transaction(async (manager) => {
        const rows = await manager.find(IncentiveRuleEntity, { where: { programCode: draft.programCode, kind: draft.kind } });
        const { added, ended } = withDraft(rows.map(toRuleVersion), draft);
        await this.assertOpen(manager, draft.programCode, draft.effectiveFrom, 'effectiveFrom');
        if (ended) await manager.update(IncentiveRuleEntity, { id: rows.find((row) => row.version === ended.version)!.id }, { effectiveTo: ended.effectiveTo });
        const row = manager.create(IncentiveRuleEntity, { id: newId(), ...added, parameters: added.parameters as Record<string, unknown> });
        await manager.save(IncentiveRuleEntity, row);
        return row;
      }),
    );
  }

  /** Ends a rule version on `effectiveTo` (inclusive); from the day after, the program has no rule of that kind. */
  async retire(claims: Claims | null, id: string, effectiveToInput: string): Promise<IncentiveRuleEntity> {
    requireAdmin(claims);
    const effectiveTo = parseIsoDate('effectiveTo', effectiveToInput);
    return this.database.transaction(async (manager) => {
      const rule = await manager.findOneBy(IncentiveRuleEntity, { id });
      if (!rule) throw new NotFoundError('IncentiveRule', id);
      if (effectiveTo < rule.effectiveFrom) throw new InvalidInputError('effectiveTo', `${effectiveTo} is before ${rule.effectiveFrom}, the first day of v${rule.version}`);
      const later = await manager.existsBy(IncentiveRuleEntity, { programCode: rule.programCode, kind: rule.kind, version: MoreThan(rule.version) });
      if (later) throw new InvalidInputError('id', `v${rule.version} of ${rule.programCode} ${rule.kind} was followed by a later version; retire the latest`);
      // Whatever changes starts the day after the earlier of the old and the new end.
      const changesFrom = addDays(rule.effectiveTo !== null && rule.effectiveTo < effectiveTo ? rule.effectiveTo : effectiveTo, 1);
      await this.assertOpen(manager, rule.programCode, changesFrom, 'effectiveTo');
      rule.effectiveTo = effectiveTo;
      await manager.update(IncentiveRuleEntity, { id }, { effectiveTo });
      return rule;
    });
  }

  /**
   * INCENTIVES.PERIOD_CLOSED when a statement of the program (a partner of it, or a distributor
   * paid on its deals) is approved or paid for the quarter of `from` or a later one.
   */
  private async assertOpen(manager: EntityManager, programCode: string, from: IsoDate, field: string): Promise<void> {
    const quarter = quarterOf(from);
    const partners = await manager
      .createQueryBuilder(StatementEntity, 'statement')
      .innerJoin(PartnerFactEntity, 'partner', 'partner.id = statement.payeeId')
      .select(['statement.period AS period'])
      .where("statement.payeeKind = 'PARTNER' AND partner.programCode = :programCode AND statement.status IN ('APPROVED', 'PAID') AND statement.period >= :quarter", { programCode, quarter })
      .orderBy('statement.period', 'ASC')
      .limit(1)
      .getRawOne<{ period: string }>();
    const distributors = await manager
      .createQueryBuilder(StatementEntity, 'statement')
      .innerJoin(PayoutLineEntity, 'line', 'line.statementId = statement.id')
      .innerJoin(DealFactEntity, 'deal', 'deal.dealId = line.dealId')
      .select(['statement.period AS period'])
      .where("statement.payeeKind = 'DISTRIBUTOR' AND deal.programCode = :programCode AND statement.status IN ('APPROVED', 'PAID') AND statement.period >= :quarter", { programCode, quarter })
      .orderBy('statement.period', 'ASC')
      .limit(1)
      .getRawOne<{ period: string }>();
    const closed = [partners, distributors].flatMap((row) => (row ? [row.period] : [])).sort()[0];
    if (closed) {
      throw new DomainError('INCENTIVES.PERIOD_CLOSED', `${field}: ${from} falls in or before ${closed}, whose ${programCode} statements are already approved or paid; choose a day in a later quarter`, { field, period: closed });
    }
  }
}

async function retryOnDuplicateKey<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (!isDuplicateKeyError(error)) throw error;
    return work();
  }
}
