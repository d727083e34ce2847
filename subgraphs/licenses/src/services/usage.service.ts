import { Brackets, In, type EntityManager, type SelectQueryBuilder } from 'typeorm';
import type { Claims } from '@hub/auth';
import { requireClaims } from '@hub/auth';
import { forUpdate, keysetPage, keysetPagesByParent, lockNames, newId, type Database, type KeysetKey, type KeysetPage } from '@hub/db';
import { type Clock, type EndCustomerInput, ForbiddenError, InvalidInputError, NotFoundError, parseEndCustomer } from '@hub/domain';
import {
  firstDayOf,
  HOSTINGS,
  isMonthLocked,
  lastDayOf,
  LicensesError,
  nextMonth,
  parseMonth,
  rateUsage,
  validateUsageLines,
  type Hosting,
  type Month,
  type PriceTier,
  type UsageLineInput,
} from '../domain';
import {
  DistributorRefEntity,
  EndCustomerEntity,
  MasterLicenseEntity,
  PartnerRefEntity,
  SkuEntity,
  UsageDeploymentEntity,
  UsageReportEntity,
  UsageReportLineEntity,
  UsageStatementEntity,
  UsageStatementLineEntity,
  type UsageStatementStatus,
} from '../entities';
import { assertCanRead, assertNotAnotherPartner, assertPartySide, isStaff, requireStaff } from './access';
import { customerFor } from './customers';
import type { PlannedPage } from '@hub/jobs';
import type { LicensesEvents } from './events';
import { policyFor, usageSchedulesOn } from './price-book';

/** Business models that run customers' seats as a service and may join the usage-based program. */
export const SERVICE_PROVIDER_MODELS = ['SERVICE_PROVIDER', 'MSP', 'MSSP'];

export interface DeployUsageInput {
  partnerId: string;
  customer: EndCustomerInput;
  sku: string;
  hosting: Hosting;
}

export interface UsageReportInput {
  partnerId: string;
  month: string;
  lines: UsageLineInput[];
}

export interface UsageStatementFilter {
  partnerId?: string | null;
  distributorId?: string | null;
  month?: string | null;
  status?: UsageStatementStatus | null;
}

export interface IssueResult {
  month: Month;
  statements: number;
  lines: number;
}

/** Providers rated per transaction when a whole month is issued. */
const RATING_PAGE = 500;
const INSERT_CHUNK = 500;

export class UsageService {
  constructor(
    private readonly database: Database,
    private readonly clock: Clock,
    private readonly events: LicensesEvents,
  ) {}

  /** Only through a distributor in the usage-based program; no up-front charge, no term. */
  async grantMasterLicense(claims: Claims | null, partnerId: string, distributorId: string): Promise<MasterLicenseEntity> {
    const caller = requireClaims(claims);
    if (!isStaff(caller) && !(caller.role === 'distributor' && caller.distributorId === distributorId)) {
      throw new ForbiddenError('A master licence is granted by channel staff or by the distributor itself');
    }
    const granted = await this.database.transaction(async (manager) => {
      // Two grants for one partner at once: under the partner's row lock the second sees the
      // first's master licence and is refused as such, not failed by the unique index.
      const partner = await forUpdate(manager.createQueryBuilder(PartnerRefEntity, 'partner').where('partner.id = :partnerId', { partnerId }), this.database.dialect).getOne();
      if (!partner) throw new InvalidInputError('partnerId', `unknown partner "${partnerId}"`);
      const distributor = await manager.findOneBy(DistributorRefEntity, { id: distributorId });
      if (!distributor) throw new InvalidInputError('distributorId', `unknown distributor "${distributorId}"`);
      if (!distributor.usageBasedProgram) {
        throw new LicensesError('LICENSES.DISTRIBUTOR_NOT_ELIGIBLE', `${distributor.name} is not in the usage-based program`, { distributorId });
      }
      if (!partner.distributorIds.includes(distributorId)) throw new InvalidInputError('distributorId', `${partner.name} does not buy through ${distributor.name}`);
      if (partner.status !== 'ACTIVE') throw new LicensesError('LICENSES.PARTNER_NOT_ELIGIBLE', `${partner.name} is ${partner.status}`, { partnerId });
      if (!partner.businessModels.some((model) => SERVICE_PROVIDER_MODELS.includes(model))) {
        throw new LicensesError('LICENSES.PARTNER_NOT_ELIGIBLE', `${partner.name} is not a service provider (MSP, MSSP or service provider)`, { partnerId });
      }
      const existing = await manager.findOneBy(MasterLicenseEntity, { partnerId });
      if (existing) throw new LicensesError('LICENSES.MASTER_LICENSE_EXISTS', `${partner.name} already holds master licence ${existing.id}`, { masterLicenseId: existing.id });
      const master = manager.create(MasterLicenseEntity, {
        id: newId(),
        partnerId,
        distributorId,
        programCode: partner.programCode,
        currency: partner.currency,
        grantedOn: this.clock.today(),
        grantedBy: caller.sub,
        createdAt: this.clock.now(),
      });
      await manager.insert(MasterLicenseEntity, master);
      await this.events.record(manager, 'master_license.granted', master.id, {
        masterLicenseId: master.id,
        partnerId,
        distributorId,
        programCode: master.programCode,
        currency: master.currency,
        grantedOn: master.grantedOn,
      });
      return master;
    });
    this.events.committed();
    return granted;
  }

  async masterLicenseOf(claims: Claims | null, partnerId: string, load: (partnerId: string) => Promise<MasterLicenseEntity | null>) {
    requireClaims(claims);
    const master = await load(partnerId);
    if (master) assertCanRead(claims, master, `the master licence of partner ${partnerId}`);
    return master;
  }

  /**
   * Seats of a usage SKU for an end customer, hosted or on the customer's site. A customer
   * that another provider was serving moves here: its deployments there are revoked.
   */
  async deploy(claims: Claims | null, input: DeployUsageInput): Promise<UsageDeploymentEntity> {
    const customerInput = parseEndCustomer('customer', input.customer);
    if (!HOSTINGS.includes(input.hosting)) throw new InvalidInputError('hosting', `"${input.hosting}" is not one of ${HOSTINGS.join(', ')}`);
    const deployment = await this.database.transaction(async (manager) => {
      // Before the lookup: whether another partner is in the usage program is not the caller's business.
      assertNotAnotherPartner(claims, input.partnerId, `the usage of partner ${input.partnerId}`);
      const master = await this.lockMaster(manager, input.partnerId);
      assertPartySide(claims, master, `the master licence of partner ${input.partnerId}`);
      const sku = await manager.findOneBy(SkuEntity, { code: input.sku.trim().toUpperCase() });
      if (!sku) throw new InvalidInputError('sku', `unknown SKU "${input.sku}"`);
      if (sku.billing !== 'USAGE') throw new InvalidInputError('sku', `${sku.code} is a term SKU; deploy usage SKUs only`);
      // Two providers taking the same end customer at once would each miss the other's
      // uncommitted deployment and both keep it: lock the customer's identity first.
      await lockNames(manager, this.database.dialect, 'customer_lock', [`name:${customerInput.key}`, ...(customerInput.domain ? [`domain:${customerInput.domain}`] : [])]);
      const now = this.clock.now();
      const today = this.clock.today();
      const customer = await customerFor(manager, master.partnerId, customerInput, now);
      const live = await manager.findOneBy(UsageDeploymentEntity, { masterLicenseId: master.id, customerId: customer.id, sku: sku.code, status: 'ACTIVE' });
      if (live) throw new InvalidInputError('sku', `${sku.code} is already deployed for ${customer.name} (deployment ${live.id})`);
      await this.revokeElsewhere(manager, master, customer, today, now);
      const deployment = manager.create(UsageDeploymentEntity, {
        id: newId(),
        masterLicenseId: master.id,
        partnerId: master.partnerId,
        customerId: customer.id,
        sku: sku.code,
        hosting: input.hosting,
        status: 'ACTIVE',
        deployedOn: today,
        endedOn: null,
        endReason: null,
        updatedAt: now,
      });
      await manager.insert(UsageDeploymentEntity, deployment);
      await this.events.record(manager, 'usage.deployment_added', deployment.id, deploymentPayload(deployment, master));
      return deployment;
    });
    this.events.committed();
    return deployment;
  }

  /** Stops the charge from the next month: the seats of the removal month are still billed. */
  async removeDeployment(claims: Claims | null, id: string): Promise<UsageDeploymentEntity> {
    const deployment = await this.database.transaction(async (manager) => {
      const deployment = await manager.findOneBy(UsageDeploymentEntity, { id });
      if (!deployment) throw new NotFoundError('UsageDeployment', id);
      const master = await this.lockMaster(manager, deployment.partnerId);
      assertPartySide(claims, master, `deployment ${id}`);
      const current = (await manager.findOneBy(UsageDeploymentEntity, { id }))!;
      if (current.status !== 'ACTIVE') {
        throw new LicensesError('LICENSES.INVALID_STATE', `Deployment ${id} is ${current.status} since ${current.endedOn}`, { deploymentId: id, status: current.status });
      }
      current.status = 'REMOVED';
      current.endedOn = this.clock.today();
      current.endReason = 'removed by the provider';
      current.updatedAt = this.clock.now();
      await manager.save(UsageDeploymentEntity, current);
      await this.events.record(manager, 'usage.deployment_removed', current.id, deploymentPayload(current, master));
      return current;
    });
    this.events.committed();
    return deployment;
  }

  /**
   * A provider's (or its distributor's) seats for a month. A resubmission supersedes the
   * current report; the month's open statement is rated again from the new one, so nothing is
   * billed twice. Locked months refuse with LICENSES.MONTH_LOCKED.
   */
  async submitReport(claims: Claims | null, input: UsageReportInput): Promise<UsageReportEntity> {
    const month = parseMonth('month', input.month);
    const report = await this.database.transaction(async (manager) => {
      // The master licence's row lock serialises one provider's submissions and a month's issue.
      // Before the lookup: whether another partner is in the usage program is not the caller's business.
      assertNotAnotherPartner(claims, input.partnerId, `the usage of partner ${input.partnerId}`);
      const master = await this.lockMaster(manager, input.partnerId);
      const caller = assertPartySide(claims, master, `usage of partner ${input.partnerId}`);
      const policy = await policyFor(manager, master.programCode);
      const statement = await manager.findOneBy(UsageStatementEntity, { partnerId: master.partnerId, month });
      const skus = await manager.find(SkuEntity, { select: { code: true, billing: true }, where: { code: In(distinct(input.lines.map((line) => line.sku.trim().toUpperCase()))) } });
      const billing = new Map(skus.map((sku) => [sku.code, sku.billing]));
      const deployments = await manager.find(UsageDeploymentEntity, {
        select: { customerId: true, sku: true, deployedOn: true, endedOn: true },
        where: { masterLicenseId: master.id },
      });
      const lines = validateUsageLines(input.lines, {
        month,
        today: this.clock.today(),
        lockDay: policy.usageLockDay,
        issued: statement?.status === 'ISSUED',
        billingOf: (sku) => billing.get(sku),
        deployments,
      });
      const previous = await manager.findOne(UsageReportEntity, { where: { partnerId: master.partnerId, month }, order: { version: 'DESC' } });
      if (previous) await manager.update(UsageReportEntity, { partnerId: master.partnerId, month, status: 'CURRENT' }, { status: 'SUPERSEDED' });
      const report = manager.create(UsageReportEntity, {
        id: newId(),
        partnerId: master.partnerId,
        month,
        version: (previous?.version ?? 0) + 1,
        status: 'CURRENT',
        submittedBy: caller.sub,
        submittedAt: this.clock.now(),
      });
      await manager.insert(UsageReportEntity, report);
      const rows = lines.map((line, position) => ({ id: newId(), reportId: report.id, position, customerId: line.customer, sku: line.sku, seats: line.seats }));
      for (let i = 0; i < rows.length; i += INSERT_CHUNK) await manager.insert(UsageReportLineEntity, rows.slice(i, i + INSERT_CHUNK));
      await this.events.record(manager, 'usage.report_submitted', report.id, {
        reportId: report.id,
        partnerId: report.partnerId,
        distributorId: master.distributorId,
        month,
        version: report.version,
        supersedes: previous?.id ?? null,
        lines: lines.length,
        seats: lines.reduce((sum, line) => sum + line.seats, 0),
      });
      await this.rate(manager, month, [master], 'OPEN', new Map());
      return report;
    });
    this.events.committed();
    return report;
  }

  /**
   * What `closeUsageMonth` may close: an ended month (ahead of its lock day), by staff. The
   * closing itself runs as a job (see usage-month-jobs).
   */
  closableMonth(claims: Claims | null, monthInput: string): { month: Month; requestedBy: string } {
    const caller = requireStaff(claims);
    const month = parseMonth('month', monthInput);
    if (this.clock.today() <= lastDayOf(month)) {
      throw new LicensesError('LICENSES.MONTH_OPEN', `${month} has not ended; it can be closed from ${firstDayOf(nextMonth(month))}`, { month });
    }
    return { month, requestedBy: caller.sub };
  }

  /** The sweep: issues the open statements of months whose lock day has passed, program by program. */
  async issueDue(): Promise<IssueResult[]> {
    const pending: { month: string; programCode: string }[] = await this.database.dataSource.manager
      .createQueryBuilder(UsageStatementEntity, 'statement')
      .select(['statement.month AS month', 'statement.programCode AS programCode'])
      .where("statement.status = 'OPEN'")
      .groupBy('statement.month')
      .addGroupBy('statement.programCode')
      .getRawMany();
    const results: IssueResult[] = [];
    for (const { month, programCode } of pending) {
      const policy = await policyFor(this.database.dataSource.manager, programCode);
      if (isMonthLocked(month, policy.usageLockDay, this.clock.today())) results.push(await this.issueStatements(month, programCode));
    }
    return results;
  }

  /**
   * Rates and issues a month for every provider with a current report and no issued statement,
   * a page of providers per transaction: seats are summed per provider and SKU in SQL, priced
   * from one load of each currency's schedules, and written back in bulk with one event each.
   */
  async issueStatements(month: Month, programCode?: string): Promise<IssueResult> {
    const schedules = new Map<string, Map<string, PriceTier[]>>();
    let after = '';
    let statements = 0;
    let lines = 0;
    for (;;) {
      const partnerIds = await this.providersToIssue(month, { after, programCode, limit: RATING_PAGE });
      if (partnerIds.length === 0) break;
      const issued = await this.issuePage(month, partnerIds, schedules);
      statements += issued.statements;
      lines += issued.lines;
      after = partnerIds.at(-1)!;
      if (partnerIds.length < RATING_PAGE) break;
    }
    return { month, statements, lines };
  }

  /** Closing a month as a job: its providers to issue, planned once, a page each. */
  async planIssue(month: Month): Promise<PlannedPage<string[]>[]> {
    const partnerIds = await this.providersToIssue(month, {});
    const pages: PlannedPage<string[]>[] = [];
    for (let i = 0; i < partnerIds.length; i += RATING_PAGE) {
      const page = partnerIds.slice(i, i + RATING_PAGE);
      pages.push({ key: page.at(-1)!, items: page.length, payload: page });
    }
    return pages;
  }

  /**
   * Rates and issues one page of providers in one transaction, with `commit` (the job's
   * progress) in it. An issued statement is never rated again, so a page done twice is harmless.
   */
  async issuePage(month: Month, partnerIds: string[], schedules = new Map<string, Map<string, PriceTier[]>>(), commit?: (manager: EntityManager) => Promise<void>): Promise<{ statements: number; lines: number }> {
    const rated = await this.database.transaction(async (manager) => {
      const masters = await this.lockMasters(manager, partnerIds);
      const rated = await this.rate(manager, month, masters, 'ISSUED', schedules);
      await commit?.(manager);
      return rated;
    });
    this.events.committed();
    return rated;
  }

  /** Providers with a current report for the month and no issued statement, in id order. */
  private async providersToIssue(month: Month, options: { after?: string; programCode?: string; limit?: number }): Promise<string[]> {
    const query = this.database.dataSource.manager
      .createQueryBuilder(UsageReportEntity, 'report')
      .select('report.partnerId', 'partnerId')
      .leftJoin(UsageStatementEntity, 'statement', 'statement.partnerId = report.partnerId AND statement.month = report.month')
      .where("report.month = :month AND report.status = 'CURRENT' AND report.partnerId > :after", { month, after: options.after ?? '' })
      .andWhere(new Brackets((open) => open.where('statement.id IS NULL').orWhere("statement.status = 'OPEN'")))
      .orderBy('report.partnerId', 'ASC');
    if (options.programCode) query.innerJoin(MasterLicenseEntity, 'master', 'master.partnerId = report.partnerId AND master.programCode = :programCode', { programCode: options.programCode });
    if (options.limit) query.limit(options.limit);
    return (await query.getRawMany<{ partnerId: string }>()).map((row) => row.partnerId);
  }

  async statement(claims: Claims | null, partnerId: string, monthInput: string): Promise<UsageStatementEntity | null> {
    assertNotAnotherPartner(claims, partnerId, `the usage statements of partner ${partnerId}`);
    const month = parseMonth('month', monthInput);
    const statement = await this.database.dataSource.manager.findOneBy(UsageStatementEntity, { partnerId, month });
    if (statement) assertCanRead(claims, statement, `the usage statement of partner ${partnerId} for ${month}`);
    return statement;
  }

  async statements(claims: Claims | null, filter: UsageStatementFilter, page: { first: number; after?: string }): Promise<KeysetPage<UsageStatementEntity>> {
    return keysetPage(usageStatementsQuery(this.database.dataSource.manager, claims, filter), [STATEMENT_KEY], page);
  }

  /** Every version of a provider's report for a month, newest first. */
  async reports(claims: Claims | null, partnerId: string, monthInput: string, loadMaster: (partnerId: string) => Promise<MasterLicenseEntity | null>) {
    const month = parseMonth('month', monthInput);
    const master = await this.masterLicenseOf(claims, partnerId, loadMaster);
    if (!master) return [];
    return this.database.dataSource.manager.find(UsageReportEntity, { where: { partnerId, month }, order: { version: 'DESC' } });
  }

  /**
   * Rates `masters`' current reports for `month` into statements with `status`, replacing the
   * lines of any open statement (an issued one is never touched). One aggregate query for all.
   */
  private async rate(
    manager: EntityManager,
    month: Month,
    masters: readonly MasterLicenseEntity[],
    status: UsageStatementStatus,
    schedules: Map<string, Map<string, PriceTier[]>>,
  ): Promise<{ statements: number; lines: number }> {
    if (masters.length === 0) return { statements: 0, lines: 0 };
    const partnerIds = masters.map((master) => master.partnerId);
    const seats = await manager
      .createQueryBuilder(UsageReportLineEntity, 'line')
      .innerJoin(UsageReportEntity, 'report', 'report.id = line.reportId')
      .select(['report.partnerId AS partnerId', 'report.id AS reportId', 'line.sku AS sku', 'SUM(line.seats) AS seats'])
      .where("report.month = :month AND report.status = 'CURRENT' AND report.partnerId IN (:...partnerIds)", { month, partnerIds })
      .groupBy('report.partnerId')
      .addGroupBy('report.id')
      .addGroupBy('line.sku')
      .getRawMany<{ partnerId: string; reportId: string; sku: string; seats: string | number }>();
    const reports = await manager.find(UsageReportEntity, { select: { id: true, partnerId: true }, where: { month, status: 'CURRENT', partnerId: In(partnerIds) } });
    const reportOf = new Map(reports.map((report) => [report.partnerId, report.id]));
    const usageOf = new Map<string, { sku: string; seats: number }[]>();
    for (const row of seats) usageOf.set(row.partnerId, [...(usageOf.get(row.partnerId) ?? []), { sku: row.sku, seats: Number(row.seats) }]);
    const existing = new Map((await manager.findBy(UsageStatementEntity, { month, partnerId: In(partnerIds) })).map((statement) => [statement.partnerId, statement]));

    await this.preloadSchedules(manager, schedules, distinct(masters.map((master) => master.currency)), month, distinct(seats.map((row) => row.sku)));

    const now = this.clock.now();
    const statements: UsageStatementEntity[] = [];
    const lines: UsageStatementLineEntity[] = [];
    for (const master of masters) {
      const reportId = reportOf.get(master.partnerId);
      const previous = existing.get(master.partnerId);
      if (!reportId || previous?.status === 'ISSUED') continue;
      const rated = rateUsage(usageOf.get(master.partnerId) ?? [], (sku) => scheduleFor(schedules, master.currency, month, sku));
      const statement = manager.create(UsageStatementEntity, {
        id: previous?.id ?? newId(),
        partnerId: master.partnerId,
        distributorId: master.distributorId,
        programCode: master.programCode,
        month,
        currency: master.currency,
        status,
        reportId,
        total: rated.totalMinor,
        ratedAt: now,
        issuedAt: status === 'ISSUED' ? now : null,
      });
      statements.push(statement);
      rated.lines.forEach((line, position) =>
        lines.push(
          manager.create(UsageStatementLineEntity, {
            id: newId(),
            statementId: statement.id,
            position,
            sku: line.sku,
            seats: line.seats,
            tierFromSeats: line.tierFromSeats,
            unitPrice: line.unitPriceMinor,
            amount: line.amountMinor,
          }),
        ),
      );
    }
    if (statements.length === 0) return { statements: 0, lines: 0 };
    const replaced = statements.filter((statement) => existing.has(statement.partnerId)).map((statement) => statement.id);
    if (replaced.length > 0) {
      await manager.delete(UsageStatementLineEntity, { statementId: In(replaced) });
      await manager.delete(UsageStatementEntity, { id: In(replaced) });
    }
    for (let i = 0; i < statements.length; i += INSERT_CHUNK) await manager.insert(UsageStatementEntity, statements.slice(i, i + INSERT_CHUNK));
    for (let i = 0; i < lines.length; i += INSERT_CHUNK) await manager.insert(UsageStatementLineEntity, lines.slice(i, i + INSERT_CHUNK));
    if (status === 'ISSUED') {
      const linesOf = new Map<string, UsageStatementLineEntity[]>();
      for (const line of lines) linesOf.set(line.statementId, [...(linesOf.get(line.statementId) ?? []), line]);
      await this.events.recordMany(
        manager,
        'usage.statement_issued',
        statements.map((statement) => ({ aggregateId: statement.id, payload: statementPayload(statement, linesOf.get(statement.id) ?? []) })),
      );
    }
    return { statements: statements.length, lines: lines.length };
  }

  private async lockMaster(manager: EntityManager, partnerId: string): Promise<MasterLicenseEntity> {
    const [master] = await this.lockMasters(manager, [partnerId]);
    if (!master) throw new InvalidInputError('partnerId', `partner ${partnerId} holds no master licence in the usage-based program`);
    return master;
  }

  private async lockMasters(manager: EntityManager, partnerIds: string[]): Promise<MasterLicenseEntity[]> {
    const query = manager.createQueryBuilder(MasterLicenseEntity, 'master').where('master.partnerId IN (:...partnerIds)', { partnerIds }).orderBy('master.partnerId');
    return forUpdate(query, this.database.dialect).getMany();
  }

  /**
   * An end customer served by one provider at a time: deploying it here revokes its live
   * deployments under any other provider (matched by normalised name or domain).
   */
  private async revokeElsewhere(manager: EntityManager, master: MasterLicenseEntity, customer: EndCustomerEntity, today: string, now: Date) {
    const sameCustomer = manager
      .createQueryBuilder(EndCustomerEntity, 'customer')
      .select('customer.id')
      .where('customer.partnerId <> :partnerId', { partnerId: master.partnerId })
      .andWhere(
        new Brackets((same) => {
          same.where('customer.key = :key', { key: customer.key });
          if (customer.domain) same.orWhere('customer.domain = :domain', { domain: customer.domain });
        }),
      );
    const elsewhere = await manager
      .createQueryBuilder(UsageDeploymentEntity, 'deployment')
      .where("deployment.status = 'ACTIVE'")
      .andWhere(`deployment.customerId IN (${sameCustomer.getQuery()})`)
      .setParameters(sameCustomer.getParameters())
      .getMany();
    if (elsewhere.length === 0) return;
    const previousMasters = new Map((await manager.findBy(MasterLicenseEntity, { id: In(distinct(elsewhere.map((d) => d.masterLicenseId))) })).map((m) => [m.id, m]));
    for (const deployment of elsewhere) {
      deployment.status = 'REVOKED';
      deployment.endedOn = today;
      deployment.endReason = `customer moved to provider ${master.partnerId}`;
      deployment.updatedAt = now;
      await manager.save(UsageDeploymentEntity, deployment);
      await this.events.record(manager, 'usage.deployment_revoked', deployment.id, deploymentPayload(deployment, previousMasters.get(deployment.masterLicenseId)!));
    }
  }

  /** Loads the schedules of the SKUs not yet in the batch's cache, one query per currency. */
  private async preloadSchedules(manager: EntityManager, cache: Map<string, Map<string, PriceTier[]>>, currencies: Iterable<string>, month: Month, skus: string[]) {
    for (const currency of currencies) {
      const key = `${currency}:${month}`;
      const known = cache.get(key) ?? new Map<string, PriceTier[]>();
      const missing = skus.filter((sku) => !known.has(sku));
      for (const [sku, tiers] of await usageSchedulesOn(manager, currency, firstDayOf(month), missing)) known.set(sku, tiers);
      cache.set(key, known);
    }
  }
}

function scheduleFor(cache: Map<string, Map<string, PriceTier[]>>, currency: string, month: Month, sku: string): PriceTier[] {
  const tiers = cache.get(`${currency}:${month}`)?.get(sku);
  if (!tiers) throw new LicensesError('LICENSES.NO_PRICE', `${sku} has no ${currency} usage price for ${month}`, { sku, currency, month });
  return tiers;
}

function distinct(values: string[]): string[] {
  return [...new Set(values)];
}

function deploymentPayload(deployment: UsageDeploymentEntity, master: MasterLicenseEntity) {
  return {
    deploymentId: deployment.id,
    masterLicenseId: master.id,
    partnerId: deployment.partnerId,
    distributorId: master.distributorId,
    customerId: deployment.customerId,
    sku: deployment.sku,
    hosting: deployment.hosting,
    status: deployment.status,
    deployedOn: deployment.deployedOn,
    endedOn: deployment.endedOn,
    reason: deployment.endReason,
  };
}

/** What incentives and BI learn of an issued statement: every line, amounts in minor units as strings. */
export function statementPayload(statement: UsageStatementEntity, lines: readonly UsageStatementLineEntity[]) {
  return {
    statementId: statement.id,
    partnerId: statement.partnerId,
    distributorId: statement.distributorId,
    programCode: statement.programCode,
    month: statement.month,
    currency: statement.currency,
    totalMinor: statement.total.toString(),
    reportId: statement.reportId,
    lines: lines.map((line) => ({
      sku: line.sku,
      seats: line.seats,
      tierFromSeats: line.tierFromSeats,
      unitPriceMinor: line.unitPrice.toString(),
      amountMinor: line.amount.toString(),
    })),
  };
}

const STATEMENT_KEY: KeysetKey<UsageStatementEntity> = { column: 'statement.id', value: (row) => row.id };

/** The usage statements `claims` may read that match `filter`, as a query to page. */
function usageStatementsQuery(manager: EntityManager, claims: Claims | null, filter: UsageStatementFilter): SelectQueryBuilder<UsageStatementEntity> {
  const caller = requireClaims(claims);
  const query = manager.createQueryBuilder(UsageStatementEntity, 'statement');
  if (caller.role === 'partner') query.andWhere('statement.partnerId = :me', { me: caller.partnerId });
  else if (caller.role === 'distributor') query.andWhere('statement.distributorId = :mine', { mine: caller.distributorId });
  else if (!isStaff(caller) && caller.role !== 'bi') throw new ForbiddenError('You may not list usage statements');
  if (filter.partnerId != null) query.andWhere('statement.partnerId = :partnerId', { partnerId: filter.partnerId });
  if (filter.distributorId != null) query.andWhere('statement.distributorId = :distributorId', { distributorId: filter.distributorId });
  if (filter.month) query.andWhere('statement.month = :month', { month: parseMonth('filter.month', filter.month) });
  if (filter.status) query.andWhere('statement.status = :status', { status: filter.status });
  return query;
}

/**
 * Partner.usageStatements for every partner of a request: each partner's page of the statements
 * `claims` may read, in two statements however many partners.
 */
export function usageStatementPagesByPartner(
  manager: EntityManager,
  claims: Claims | null,
  filter: UsageStatementFilter,
  partnerIds: readonly string[],
  page: { first: number; after?: string },
): Promise<Map<string, KeysetPage<UsageStatementEntity>>> {
  const query = usageStatementsQuery(manager, claims, { ...filter, partnerId: null });
  return keysetPagesByParent(query, { column: 'statement.partnerId', of: (row) => row.partnerId }, STATEMENT_KEY, partnerIds, page);
}
