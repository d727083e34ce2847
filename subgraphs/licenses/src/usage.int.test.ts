import { In } from 'typeorm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Claims } from '@hub/auth';
import { newId } from '@hub/db';
import { addDays } from '@hub/domain';
import { OutboxEntity } from '@hub/events';
import { countQueries, type GraphQLResponse } from '@hub/testing';
import { firstDayOf, nextMonth } from './domain';
import { MasterLicenseEntity, UsageDeploymentEntity, UsageReportEntity, UsageStatementEntity } from './entities';
import {
  addPartner,
  admin,
  bi,
  DAY0,
  decimal,
  DIALECTS,
  DIST_PLAIN,
  DIST_USAGE,
  DIST_USAGE_2,
  distributorClaims,
  must,
  partnerClaims,
  RESELLER_A,
  rowCounts,
  startHarness,
  usageUnitPrice,
  type Harness,
} from './int-test-harness';
import type { statementPayload } from './services/usage.service';

const GRANT = `mutation ($p: ID!, $d: ID!) { master: grantMasterLicense(partnerId: $p, distributorId: $d) { id programCode currency grantedOn partner { id } distributor { id } } }`;
const DEPLOYMENT = 'id skuCode hosting status deployedOn endedOn endReason customer { id name domain }';
const DEPLOY = `mutation ($input: DeployUsageInput!) { deployment: deployUsage(input: $input) { ${DEPLOYMENT} } }`;
const REMOVE = `mutation ($id: ID!) { deployment: removeDeployment(id: $id) { ${DEPLOYMENT} } }`;
const REPORT = `mutation ($input: UsageReportInput!) { report: submitUsageReport(input: $input) { id month version status submittedBy lines { sku seats customer { id } } } }`;
const REPORTS = `query ($p: ID!, $m: String!) { usageReports(partnerId: $p, month: $m) { id version status } }`;
const STATEMENT_FIELDS = `id month status currency issuedAt partner { id } distributor { id } total { amount currency }
  lines { sku seats tierFromSeats unitPrice { amount currency } amount { amount currency } }`;
const STATEMENT = `query ($p: ID!, $m: String!) { statement: usageStatement(partnerId: $p, month: $m) { ${STATEMENT_FIELDS} } }`;
const CLOSE = `mutation ($m: String!) { closeUsageMonth(month: $m) { id kind status } }`;
const MASTER_DEPLOYMENTS = `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Partner { masterLicense { id deployments { ${DEPLOYMENT} } } } } }`;

interface DeploymentView {
  id: string;
  skuCode: string;
  hosting: string;
  status: 'ACTIVE' | 'REMOVED' | 'REVOKED';
  deployedOn: string;
  endedOn: string | null;
  endReason: string | null;
  customer: { id: string; name: string; domain: string | null };
}

interface StatementView {
  id: string;
  month: string;
  status: 'OPEN' | 'ISSUED';
  currency: string;
  issuedAt: string | null;
  partner: { id: string };
  distributor: { id: string };
  total: { amount: string; currency: string };
  lines: { sku: string; seats: number; tierFromSeats: number; unitPrice: { amount: string; currency: string }; amount: { amount: string; currency: string } }[];
}

interface Line {
  customer: string;
  sku: string;
  seats: number;
}

const STD = 'ENDPOINT-STD-U';

/** The same suite against MariaDB (production, CI) and the embedded SQLite file. Each test bills its own months, so closing one touches no other test's statements. */
describe.each(DIALECTS)('licenses subgraph, usage-based program, on $dialect', ({ dialect }) => {
  let h: Harness;
  let providers = 0;

  beforeAll(async () => {
    h = await startHarness(dialect, 'usage');
  });

  afterEach(() => h.at(DAY0));

  afterAll(async () => {
    await h?.stop();
  });

  const manager = () => h.database.dataSource.manager;

  /** A service provider in the usage-based program through DIST_USAGE (or `distributorId`), holding its master licence. */
  async function provider(options: { programCode?: string; currency?: string; distributorId?: string } = {}): Promise<{ id: string; claims: Claims }> {
    providers += 1;
    const distributorId = options.distributorId ?? DIST_USAGE;
    const id = await addPartner(h, {
      name: `Service Provider ${providers}`,
      businessModels: ['MSP'],
      distributorIds: [distributorId],
      programCode: options.programCode,
      currency: options.currency,
    });
    await must(h.call(admin, GRANT, { p: id, d: distributorId }));
    return { id, claims: partnerClaims(id, `ops@provider-${providers}`) };
  }

  async function deploy(claims: Claims, partnerId: string, customer: { name: string; domain?: string | null }, sku = STD): Promise<DeploymentView> {
    const input = { partnerId, customer: { country: 'FR', ...customer }, sku, hosting: 'HOSTED' };
    return (await must(h.call<{ deployment: DeploymentView }>(claims, DEPLOY, { input }))).deployment;
  }

  const report = (claims: Claims, partnerId: string, month: string, lines: Line[]) =>
    h.call<{ report: { id: string; month: string; version: number; status: string; lines: { sku: string; seats: number; customer: { id: string } }[] } }>(claims, REPORT, {
      input: { partnerId, month, lines },
    });

  /** Closes a month through the API, which answers with a queued job, and waits for it: the job as it ended. */
  const closeMonth = async (month: string) => {
    const { closeUsageMonth } = await must(h.call<{ closeUsageMonth: { id: string; kind: string; status: string } }>(admin, CLOSE, { m: month }));
    expect(closeUsageMonth).toMatchObject({ kind: 'usage-month', status: 'QUEUED' });
    await h.server.jobs.runner.settled(closeUsageMonth.id);
    return h.server.jobs.store.get(closeUsageMonth.id);
  };
  const statementOf = async (claims: Claims, partnerId: string, month: string) => (await must(h.call<{ statement: StatementView | null }>(claims, STATEMENT, { p: partnerId, m: month }))).statement;

  const reportRows = () => manager().count(UsageReportEntity);

  describe('master licences', () => {
    it('grants a master licence only through a distributor in the usage-based program, to an active service provider, once', async () => {
      const msp = await addPartner(h, { name: 'Managed Services SAS', businessModels: ['MSP'], distributorIds: [DIST_PLAIN, DIST_USAGE] });

      let before = await rowCounts(h);
      const viaPlain = await h.call(admin, GRANT, { p: msp, d: DIST_PLAIN });
      expect(viaPlain.errors?.[0]?.extensions).toMatchObject({ code: 'LICENSES.DISTRIBUTOR_NOT_ELIGIBLE', distributorId: DIST_PLAIN });
      expect(await rowCounts(h)).toEqual(before);

      const resellerOnly = await h.call(admin, GRANT, { p: RESELLER_A, d: DIST_USAGE });
      expect(resellerOnly.errors?.[0]?.extensions).toMatchObject({ code: 'LICENSES.PARTNER_NOT_ELIGIBLE', partnerId: RESELLER_A });
      expect(await rowCounts(h)).toEqual(before);

      const granted = await must(h.call<{ master: { id: string } }>(distributorClaims(DIST_USAGE), GRANT, { p: msp, d: DIST_USAGE }));
      expect(granted.master).toMatchObject({ programCode: 'FR-2023', currency: 'EUR', grantedOn: DAY0, partner: { id: msp }, distributor: { id: DIST_USAGE } });
      expect(await manager().countBy(OutboxEntity, { aggregateId: granted.master.id, type: 'master_license.granted' })).toBe(1);

      before = await rowCounts(h);
      const second = await h.call(admin, GRANT, { p: msp, d: DIST_USAGE });
      expect(second.errors?.[0]?.extensions).toMatchObject({ code: 'LICENSES.MASTER_LICENSE_EXISTS', masterLicenseId: granted.master.id });
      expect(await rowCounts(h)).toEqual(before);
      expect(await manager().countBy(MasterLicenseEntity, { partnerId: msp })).toBe(1);
    });

    it('grants one master licence when two grants for a provider arrive at the same moment, and answers the other LICENSES.MASTER_LICENSE_EXISTS', async () => {
      for (let i = 0; i < 5; i += 1) {
        const msp = await addPartner(h, { name: `Simultaneous MSP ${i}`, businessModels: ['MSP'], distributorIds: [DIST_USAGE] });
        const results = await Promise.all([admin, distributorClaims(DIST_USAGE)].map((claims) => h.call<{ master: { id: string } }>(claims, GRANT, { p: msp, d: DIST_USAGE })));
        const granted = results.filter((result) => result.errors === undefined);
        expect(granted, `grant ${i}`).toHaveLength(1);
        expect(results.find((result) => result.errors !== undefined)!.errors?.[0]?.extensions).toMatchObject({
          code: 'LICENSES.MASTER_LICENSE_EXISTS',
          masterLicenseId: granted[0]!.data!.master.id,
        });
        expect(await manager().countBy(OutboxEntity, { aggregateId: granted[0]!.data!.master.id, type: 'master_license.granted' })).toBe(1);
      }
    });

    it('refuses a suspended service provider with LICENSES.PARTNER_NOT_ELIGIBLE, and another distributor or the partner itself with FORBIDDEN', async () => {
      const suspended = await addPartner(h, { name: 'Suspended MSP', status: 'SUSPENDED', businessModels: ['MSSP'], distributorIds: [DIST_USAGE] });
      const before = await rowCounts(h);
      const refused = await h.call(admin, GRANT, { p: suspended, d: DIST_USAGE });
      expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'LICENSES.PARTNER_NOT_ELIGIBLE' });
      const msp = await addPartner(h, { name: 'Another MSP', businessModels: ['MSP'], distributorIds: [DIST_USAGE] });
      for (const claims of [distributorClaims(DIST_USAGE_2), partnerClaims(msp)]) {
        const forbidden = await h.call(claims, GRANT, { p: msp, d: DIST_USAGE });
        expect(forbidden.errors?.[0]?.extensions?.code, claims.role).toBe('FORBIDDEN');
      }
      expect(await rowCounts(h)).toEqual(before);
    });
  });

  describe('reports and statements', () => {
    it('rates a corrected report once, from the latest version only, and issues the month with one statement and one event', async () => {
      h.at('2025-09-01');
      const sp = await provider();
      const kappa = await deploy(sp.claims, sp.id, { name: 'Kappa SARL' });
      const lambda = await deploy(sp.claims, sp.id, { name: 'Lambda SA' });

      h.at('2025-09-30');
      const first = (
        await must(
          report(sp.claims, sp.id, '2025-09', [
            { customer: kappa.customer.id, sku: STD, seats: 60 },
            { customer: lambda.customer.id, sku: STD, seats: 50 },
          ]),
        )
      ).report;
      expect(first).toMatchObject({ month: '2025-09', version: 1, status: 'CURRENT' });
      // 110 seats reach the 100-seat tier.
      expect(await statementOf(sp.claims, sp.id, '2025-09')).toMatchObject({ status: 'OPEN', total: { amount: decimal(110n * usageUnitPrice(STD, 100)), currency: 'EUR' } });

      h.at('2025-10-03');
      const corrected = (
        await must(
          report(sp.claims, sp.id, '2025-09', [
            { customer: kappa.customer.id, sku: STD, seats: 40 },
            { customer: lambda.customer.id, sku: STD, seats: 30 },
          ]),
        )
      ).report;
      expect(corrected).toMatchObject({ version: 2, status: 'CURRENT' });
      const versions = await must(h.call<{ usageReports: { id: string; version: number; status: string }[] }>(sp.claims, REPORTS, { p: sp.id, m: '2025-09' }));
      expect(versions.usageReports).toEqual([
        { id: corrected.id, version: 2, status: 'CURRENT' },
        { id: first.id, version: 1, status: 'SUPERSEDED' },
      ]);

      // 70 seats stay in the first tier: 70 × 2.50, not 110 + 70 seats billed together.
      const unitPrice = usageUnitPrice(STD, 1);
      expect(decimal(unitPrice)).toBe('2.50');
      const open = await statementOf(sp.claims, sp.id, '2025-09');
      expect(open).toMatchObject({ status: 'OPEN', total: { amount: '175.00', currency: 'EUR' }, issuedAt: null });

      h.at('2025-10-04');
      expect(await closeMonth('2025-09')).toMatchObject({ kind: 'usage-month', subject: '2025-09', status: 'SUCCEEDED', done: 1, total: 1 });
      const issued = await statementOf(sp.claims, sp.id, '2025-09');
      expect(issued).toEqual({
        id: expect.any(String),
        month: '2025-09',
        status: 'ISSUED',
        currency: 'EUR',
        issuedAt: '2025-10-04T10:00:00.000Z',
        partner: { id: sp.id },
        distributor: { id: DIST_USAGE },
        total: { amount: '175.00', currency: 'EUR' },
        lines: [{ sku: STD, seats: 70, tierFromSeats: 1, unitPrice: { amount: '2.50', currency: 'EUR' }, amount: { amount: '175.00', currency: 'EUR' } }],
      });
      expect(await manager().countBy(UsageStatementEntity, { partnerId: sp.id })).toBe(1);
      expect((await manager().findOneByOrFail(UsageStatementEntity, { partnerId: sp.id, month: '2025-09' })).reportId).toBe(corrected.id);

      // Closing again issues nothing more.
      expect(await closeMonth('2025-09')).toMatchObject({ status: 'SUCCEEDED', done: 0, total: 0 });
      const events = await manager().findBy(OutboxEntity, { type: 'usage.statement_issued', aggregateId: issued!.id });
      expect(events).toHaveLength(1);
      expect(events[0]!.payload).toEqual({
        statementId: issued!.id,
        partnerId: sp.id,
        distributorId: DIST_USAGE,
        programCode: 'FR-2023',
        month: '2025-09',
        currency: 'EUR',
        totalMinor: '17500',
        reportId: corrected.id,
        lines: [{ sku: STD, seats: 70, tierFromSeats: 1, unitPriceMinor: '250', amountMinor: '17500' }],
      } satisfies ReturnType<typeof statementPayload>);
    });

    it('prices 99 seats over two customers at the list price and 100 seats at the 100-seat tier, for every seat', async () => {
      h.at('2025-10-01');
      const small = await provider();
      const large = await provider();
      const smallCustomers = [await deploy(small.claims, small.id, { name: 'Mu GmbH' }), await deploy(small.claims, small.id, { name: 'Nu GmbH' })];
      const largeCustomers = [await deploy(large.claims, large.id, { name: 'Xi GmbH' }), await deploy(large.claims, large.id, { name: 'Omicron GmbH' })];

      h.at('2025-10-31');
      await must(report(small.claims, small.id, '2025-10', [
        { customer: smallCustomers[0]!.customer.id, sku: STD, seats: 50 },
        { customer: smallCustomers[1]!.customer.id, sku: STD, seats: 49 },
      ]));
      await must(report(large.claims, large.id, '2025-10', [
        { customer: largeCustomers[0]!.customer.id, sku: STD, seats: 50 },
        { customer: largeCustomers[1]!.customer.id, sku: STD, seats: 50 },
      ]));

      expect(decimal(usageUnitPrice(STD, 100))).toBe('2.25');
      const at99 = await statementOf(admin, small.id, '2025-10');
      expect(at99!.lines).toEqual([{ sku: STD, seats: 99, tierFromSeats: 1, unitPrice: { amount: '2.50', currency: 'EUR' }, amount: { amount: '247.50', currency: 'EUR' } }]);
      expect(at99!.total.amount).toBe('247.50');
      const at100 = await statementOf(admin, large.id, '2025-10');
      expect(at100!.lines).toEqual([{ sku: STD, seats: 100, tierFromSeats: 100, unitPrice: { amount: '2.25', currency: 'EUR' }, amount: { amount: '225.00', currency: 'EUR' } }]);
      expect(at100!.total.amount).toBe('225.00');

      h.at('2025-11-01');
      expect(await closeMonth('2025-10')).toMatchObject({ status: 'SUCCEEDED', done: 2, total: 2 });
      expect(await statementOf(admin, small.id, '2025-10')).toMatchObject({ status: 'ISSUED', total: { amount: '247.50' } });
      expect(await statementOf(admin, large.id, '2025-10')).toMatchObject({ status: 'ISSUED', total: { amount: '225.00' } });
    });

    it('rates each SKU on its own total: two SKUs, one over 500 seats', async () => {
      h.at('2025-08-01');
      const sp = await provider();
      const omega = await deploy(sp.claims, sp.id, { name: 'Omega AG' });
      const omegaAdv = await deploy(sp.claims, sp.id, { name: 'Omega AG' }, 'ENDPOINT-ADV-ENC-U');
      expect(omegaAdv.customer.id).toBe(omega.customer.id);
      h.at('2025-08-31');
      await must(report(sp.claims, sp.id, '2025-08', [
        { customer: omega.customer.id, sku: STD, seats: 500 },
        { customer: omega.customer.id, sku: 'ENDPOINT-ADV-ENC-U', seats: 3 },
      ]));
      const statement = await statementOf(sp.claims, sp.id, '2025-08');
      const advanced = usageUnitPrice('ENDPOINT-ADV-ENC-U', 1);
      // ADVANCED is 150 % of 2.50, plus 0.60 for encryption.
      expect(decimal(advanced)).toBe('4.35');
      expect(statement!.lines).toEqual([
        { sku: 'ENDPOINT-ADV-ENC-U', seats: 3, tierFromSeats: 1, unitPrice: { amount: '4.35', currency: 'EUR' }, amount: { amount: '13.05', currency: 'EUR' } },
        { sku: STD, seats: 500, tierFromSeats: 500, unitPrice: { amount: '2.00', currency: 'EUR' }, amount: { amount: '1000.00', currency: 'EUR' } },
      ]);
      expect(statement!.total.amount).toBe('1013.05');
    });
  });

  describe('month lock', () => {
    it.each([
      { programCode: 'FR-2023', currency: 'EUR', lastDay: '2025-12-10' },
      { programCode: 'AU-2014', currency: 'AUD', lastDay: '2025-12-07' },
    ])('accepts $programCode reports for a month until $lastDay and refuses them with LICENSES.MONTH_LOCKED the day after, writing nothing', async ({ programCode, currency, lastDay }) => {
      h.at('2025-11-03');
      const sp = await provider({ programCode, currency });
      const customer = await deploy(sp.claims, sp.id, { name: `Locked ${programCode} Pty` });
      const lines = [{ customer: customer.customer.id, sku: STD, seats: 12 }];

      h.at(lastDay);
      expect((await must(report(sp.claims, sp.id, '2025-11', lines))).report.version).toBe(1);
      expect(await statementOf(sp.claims, sp.id, '2025-11')).toMatchObject({ currency, total: { amount: decimal(12n * usageUnitPrice(STD, 1, currency)), currency } });

      h.at(addDays(lastDay, 1));
      const [before, reports] = [await rowCounts(h), await reportRows()];
      const late = await report(sp.claims, sp.id, '2025-11', [{ ...lines[0]!, seats: 13 }]);
      expect(late.errors?.[0]?.extensions).toMatchObject({ code: 'LICENSES.MONTH_LOCKED', month: '2025-11', lastReportingDay: lastDay });
      expect(await reportRows()).toBe(reports);
      expect(await rowCounts(h)).toEqual(before);
    });

    it('refuses a resubmission once staff closed the month, and refuses closing a month that has not ended', async () => {
      h.at('2025-12-01');
      const sp = await provider();
      const customer = await deploy(sp.claims, sp.id, { name: 'Closed Month SAS' });
      const lines = [{ customer: customer.customer.id, sku: STD, seats: 8 }];

      h.at('2025-12-20');
      await must(report(sp.claims, sp.id, '2025-12', lines));
      const early = await h.call(admin, CLOSE, { m: '2025-12' });
      expect(early.errors?.[0]?.extensions).toMatchObject({ code: 'LICENSES.MONTH_OPEN', month: '2025-12' });
      expect(await statementOf(admin, sp.id, '2025-12')).toMatchObject({ status: 'OPEN' });

      h.at('2026-01-02');
      const forbidden = await h.call(sp.claims, CLOSE, { m: '2025-12' });
      expect(forbidden.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect(await closeMonth('2025-12')).toMatchObject({ status: 'SUCCEEDED', done: 1, total: 1 });

      h.at('2026-01-03');
      const [before, reports] = [await rowCounts(h), await reportRows()];
      const resubmitted = await report(sp.claims, sp.id, '2025-12', [{ ...lines[0]!, seats: 9 }]);
      expect(resubmitted.errors?.[0]?.extensions).toMatchObject({ code: 'LICENSES.MONTH_LOCKED', month: '2025-12' });
      expect(resubmitted.errors?.[0]?.message).toContain('issued');
      expect(await reportRows()).toBe(reports);
      expect(await rowCounts(h)).toEqual(before);
      expect(await statementOf(admin, sp.id, '2025-12')).toMatchObject({ status: 'ISSUED', total: { amount: '20.00' } });
    });

    it('refuses a month that has not begun with BAD_USER_INPUT naming month', async () => {
      const sp = await provider();
      const customer = await deploy(sp.claims, sp.id, { name: 'Future GmbH' });
      const before = await rowCounts(h);
      const future = await report(sp.claims, sp.id, '2026-07', [{ customer: customer.customer.id, sku: STD, seats: 1 }]);
      expect(future.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'month' });
      expect(await rowCounts(h)).toEqual(before);
    });
  });

  describe('deployments', () => {
    it('bills a deployment removed mid-month for that month and refuses it in the next', async () => {
      h.at('2026-01-05');
      const sp = await provider();
      const leaving = await deploy(sp.claims, sp.id, { name: 'Leaving SARL' });
      const staying = await deploy(sp.claims, sp.id, { name: 'Staying SARL' });

      h.at('2026-01-15');
      const removed = (await must(h.call<{ deployment: DeploymentView }>(distributorClaims(DIST_USAGE), REMOVE, { id: leaving.id }))).deployment;
      expect(removed).toMatchObject({ id: leaving.id, status: 'REMOVED', endedOn: '2026-01-15' });
      expect(await manager().countBy(OutboxEntity, { aggregateId: leaving.id, type: 'usage.deployment_removed' })).toBe(1);
      const again = await h.call(sp.claims, REMOVE, { id: leaving.id });
      expect(again.errors?.[0]?.extensions).toMatchObject({ code: 'LICENSES.INVALID_STATE', status: 'REMOVED' });

      h.at('2026-01-31');
      await must(report(sp.claims, sp.id, '2026-01', [
        { customer: leaving.customer.id, sku: STD, seats: 30 },
        { customer: staying.customer.id, sku: STD, seats: 4 },
      ]));
      h.at('2026-02-01');
      await closeMonth('2026-01');
      expect(await statementOf(sp.claims, sp.id, '2026-01')).toMatchObject({ status: 'ISSUED', total: { amount: '85.00' }, lines: [expect.objectContaining({ seats: 34 })] });

      h.at('2026-02-20');
      const [before, reports] = [await rowCounts(h), await reportRows()];
      const next = await report(sp.claims, sp.id, '2026-02', [
        { customer: staying.customer.id, sku: STD, seats: 4 },
        { customer: leaving.customer.id, sku: STD, seats: 30 },
      ]);
      expect(next.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'lines[1].customer' });
      expect(next.errors?.[0]?.message).toContain('2026-01-15');
      const leadingLine = await report(sp.claims, sp.id, '2026-02', [{ customer: leaving.customer.id, sku: STD, seats: 30 }]);
      expect(leadingLine.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'lines[0].customer' });
      expect(await reportRows()).toBe(reports);
      expect(await rowCounts(h)).toEqual(before);
      expect((await must(report(sp.claims, sp.id, '2026-02', [{ customer: staying.customer.id, sku: STD, seats: 4 }]))).report.version).toBe(1);
    });

    it('revokes the first provider\'s deployment when another provider takes the same end customer, matched by name or by domain', async () => {
      h.at('2026-03-02');
      const first = await provider();
      const second = await provider({ distributorId: DIST_USAGE_2 });
      const contoso = await deploy(first.claims, first.id, { name: 'Contoso Ltd', domain: 'contoso.example' });
      const fabrikam = await deploy(first.claims, first.id, { name: 'Fabrikam', domain: 'fabrikam.example' });
      const loyal = await deploy(first.claims, first.id, { name: 'Loyal Kunde GmbH' });

      h.at('2026-03-16');
      await deploy(second.claims, second.id, { name: 'CONTOSO S.A.' });
      await deploy(second.claims, second.id, { name: 'Fabrikam Holdings Europe', domain: 'https://www.Fabrikam.example/' });

      const seen = await must(
        h.call<{ _entities: { masterLicense: { deployments: DeploymentView[] } }[] }>(first.claims, MASTER_DEPLOYMENTS, { r: [{ __typename: 'Partner', id: first.id }] }),
      );
      const byId = new Map(seen._entities[0]!.masterLicense.deployments.map((deployment) => [deployment.id, deployment]));
      expect(byId.get(contoso.id)).toMatchObject({ status: 'REVOKED', endedOn: '2026-03-16', endReason: expect.stringContaining(second.id) });
      expect(byId.get(fabrikam.id)).toMatchObject({ status: 'REVOKED', endedOn: '2026-03-16' });
      expect(byId.get(loyal.id)).toMatchObject({ status: 'ACTIVE', endedOn: null });
      const revokedEvents = await manager().findBy(OutboxEntity, { aggregateId: contoso.id, type: 'usage.deployment_revoked' });
      expect(revokedEvents).toHaveLength(1);
      expect(revokedEvents[0]!.payload).toMatchObject({ partnerId: first.id, distributorId: DIST_USAGE, status: 'REVOKED' });

      // The month of the move is still the first provider's to bill; the months after are not.
      h.at('2026-03-31');
      await must(report(first.claims, first.id, '2026-03', [
        { customer: contoso.customer.id, sku: STD, seats: 5 },
        { customer: loyal.customer.id, sku: STD, seats: 5 },
      ]));
      h.at('2026-04-20');
      const [before, reports] = [await rowCounts(h), await reportRows()];
      for (const lost of [contoso, fabrikam]) {
        const refused = await report(first.claims, first.id, '2026-04', [{ customer: lost.customer.id, sku: STD, seats: 5 }]);
        expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'lines[0].customer' });
      }
      expect(await reportRows()).toBe(reports);
      expect(await rowCounts(h)).toEqual(before);
    });

    it('leaves exactly one provider serving a new end customer that two providers deploy at the same moment', async () => {
      const first = await provider();
      const second = await provider({ distributorId: DIST_USAGE_2 });
      for (let i = 0; i < 10; i += 1) {
        const customer = { name: `Simultaneous ${i} GmbH` };
        const [a, b] = await Promise.all([deploy(first.claims, first.id, customer), deploy(second.claims, second.id, customer)]);
        const rows = await manager().findBy(UsageDeploymentEntity, { id: In([a.id, b.id]) });
        // Whichever committed last took the customer; the other's deployment is revoked.
        expect(rows.filter((row) => row.status === 'ACTIVE'), `customer ${i}`).toHaveLength(1);
        expect(rows.filter((row) => row.status === 'REVOKED'), `customer ${i}`).toHaveLength(1);
      }
    });
  });

  describe('access', () => {
    const LIST = `{ usageStatements(first: 500) { totalCount edges { node { id partner { id } distributor { id } } } } }`;
    type Listed = { usageStatements: { totalCount: number; edges: { node: { id: string; partner: { id: string }; distributor: { id: string } } }[] } };

    it('lets a provider see only its own statements and a distributor only those of the providers it serves', async () => {
      h.at('2026-05-02');
      const mine = await provider();
      const theirs = await provider({ distributorId: DIST_USAGE_2 });
      const a = await deploy(mine.claims, mine.id, { name: 'Access Un' });
      const b = await deploy(theirs.claims, theirs.id, { name: 'Access Deux' });
      h.at('2026-05-20');
      await must(report(mine.claims, mine.id, '2026-05', [{ customer: a.customer.id, sku: STD, seats: 3 }]));
      await must(report(theirs.claims, theirs.id, '2026-05', [{ customer: b.customer.id, sku: STD, seats: 4 }]));

      const listed = await must(h.call<Listed>(mine.claims, LIST));
      expect(listed.usageStatements.totalCount).toBe(await manager().countBy(UsageStatementEntity, { partnerId: mine.id }));
      expect(listed.usageStatements.edges.every((edge) => edge.node.partner.id === mine.id)).toBe(true);
      const denied = await h.call(mine.claims, STATEMENT, { p: theirs.id, m: '2026-05' });
      expect(denied.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      const deniedReports = await h.call(mine.claims, REPORTS, { p: theirs.id, m: '2026-05' });
      expect(deniedReports.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

      const served = await must(h.call<Listed>(distributorClaims(DIST_USAGE_2), LIST));
      expect(served.usageStatements.totalCount).toBe(await manager().countBy(UsageStatementEntity, { distributorId: DIST_USAGE_2 }));
      expect(served.usageStatements.edges.every((edge) => edge.node.distributor.id === DIST_USAGE_2)).toBe(true);
      expect(served.usageStatements.edges.map((edge) => edge.node.partner.id)).toContain(theirs.id);
      expect((await statementOf(distributorClaims(DIST_USAGE_2), theirs.id, '2026-05'))!.partner.id).toBe(theirs.id);
      const notServed = await h.call(distributorClaims(DIST_USAGE_2), STATEMENT, { p: mine.id, m: '2026-05' });
      expect(notServed.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

      const all = await must(h.call<Listed>(bi, LIST));
      expect(all.usageStatements.totalCount).toBe(await manager().count(UsageStatementEntity));
    });

    it('refuses another provider, or a distributor that does not serve it, deploying, removing or reporting for a provider', async () => {
      const sp = await provider();
      const other = await provider();
      const deployment = await deploy(sp.claims, sp.id, { name: 'Guarded GmbH' });
      const before = await rowCounts(h);
      for (const claims of [other.claims, distributorClaims(DIST_USAGE_2)]) {
        const deployed = await h.call(claims, DEPLOY, { input: { partnerId: sp.id, customer: { name: 'Intruder', country: 'FR' }, sku: STD, hosting: 'HOSTED' } });
        expect(deployed.errors?.[0]?.extensions?.code, claims.sub).toBe('FORBIDDEN');
        const removed = await h.call(claims, REMOVE, { id: deployment.id });
        expect(removed.errors?.[0]?.extensions?.code, claims.sub).toBe('FORBIDDEN');
        const reported = await report(claims, sp.id, DAY0.slice(0, 7), [{ customer: deployment.customer.id, sku: STD, seats: 1 }]);
        expect(reported.errors?.[0]?.extensions?.code, claims.sub).toBe('FORBIDDEN');
      }
      expect(await rowCounts(h)).toEqual(before);
    });

    it('tells another partner nothing about a provider: the same FORBIDDEN whether or not it is in the program or billed that month', async () => {
      const sp = await provider();
      const outsider = await provider();
      const reseller = await addPartner(h, { name: 'Sans Licence Maître', businessModels: ['RESELLER'], distributorIds: [DIST_USAGE] });
      for (const [partnerId, month] of [[sp.id, '2020-01'], [reseller, '2020-01']] as const) {
        const statement = await h.call(outsider.claims, `query ($p: ID!, $m: String!) { usageStatement(partnerId: $p, month: $m) { id } }`, { p: partnerId, m: month });
        expect(statement.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
        const reported = await report(outsider.claims, partnerId, '2020-01', []);
        expect(reported.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      }
    });

    it('resolves Partner.masterLicense, usageStatements and licenses through _entities for the provider and its distributor', async () => {
      h.at('2026-04-01');
      const sp = await provider();
      const customer = await deploy(sp.claims, sp.id, { name: 'Entities SAS' });
      h.at('2026-04-30');
      await must(report(sp.claims, sp.id, '2026-04', [{ customer: customer.customer.id, sku: STD, seats: 10 }]));
      const query = `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Partner { id
        masterLicense { id partner { id } distributor { id } deployments { id } }
        usageStatements(first: 10) { totalCount edges { node { month status total { amount currency } lines { sku seats } } } }
        licenses(first: 10) { totalCount } } } }`;
      type Entities = {
        _entities: {
          id: string;
          masterLicense: { id: string; partner: { id: string }; distributor: { id: string }; deployments: { id: string }[] } | null;
          usageStatements: { totalCount: number; edges: { node: { month: string; status: string; total: { amount: string; currency: string }; lines: { sku: string; seats: number }[] } }[] };
          licenses: { totalCount: number };
        }[];
      };
      for (const claims of [sp.claims, distributorClaims(DIST_USAGE), bi]) {
        const entity = (await must(h.call<Entities>(claims, query, { r: [{ __typename: 'Partner', id: sp.id }] })))._entities[0]!;
        expect(entity.masterLicense, claims.role).toMatchObject({ partner: { id: sp.id }, distributor: { id: DIST_USAGE }, deployments: [{ id: customer.id }] });
        expect(entity.usageStatements.totalCount, claims.role).toBe(1);
        expect(entity.usageStatements.edges[0]!.node).toEqual({ month: '2026-04', status: 'OPEN', total: { amount: '25.00', currency: 'EUR' }, lines: [{ sku: STD, seats: 10 }] });
        expect(entity.licenses.totalCount).toBe(0);
      }
      const stranger = await h.call(distributorClaims(DIST_USAGE_2), `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Partner { masterLicense { id } } } }`, {
        r: [{ __typename: 'Partner', id: sp.id }],
      });
      expect(stranger.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      const none = await must(h.call<Entities>(admin, `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Partner { id masterLicense { id } } } }`, { r: [{ __typename: 'Partner', id: RESELLER_A }] }));
      expect(none._entities[0]!.masterLicense).toBeNull();
    });
  });

  describe('bad input', () => {
    let sp: { id: string; claims: Claims };
    let customerId: string;
    const month = DAY0.slice(0, 7);

    beforeAll(async () => {
      sp = await provider();
      customerId = (await deploy(sp.claims, sp.id, { name: 'Bad Input SARL' })).customer.id;
    });

    it.each<[string, () => { partnerId?: string; month?: string; lines: Line[] }, string]>([
      ['a term SKU', () => ({ lines: [{ customer: customerId, sku: 'ENDPOINT-ADV-T', seats: 1 }] }), 'lines[0].sku'],
      ['an unknown SKU', () => ({ lines: [{ customer: customerId, sku: 'NO-SUCH-U', seats: 1 }] }), 'lines[0].sku'],
      ['negative seats', () => ({ lines: [{ customer: customerId, sku: STD, seats: -1 }] }), 'lines[0].seats'],
      ['too many seats', () => ({ lines: [{ customer: customerId, sku: STD, seats: 1_000_001 }] }), 'lines[0].seats'],
      [
        'the same customer and SKU twice',
        () => ({ lines: [{ customer: customerId, sku: STD, seats: 1 }, { customer: customerId, sku: 'endpoint-std-u', seats: 2 }] }),
        'lines[1]',
      ],
      ['a month without its leading zero', () => ({ month: '2026-6', lines: [{ customer: customerId, sku: STD, seats: 1 }] }), 'month'],
      ['month 13', () => ({ month: '2026-13', lines: [{ customer: customerId, sku: STD, seats: 1 }] }), 'month'],
      ['an unknown customer', () => ({ lines: [{ customer: newId(), sku: STD, seats: 1 }] }), 'lines[0].customer'],
      ['a customer with no deployment of the SKU', () => ({ lines: [{ customer: customerId, sku: 'EMAIL-STD-U', seats: 1 }] }), 'lines[0].customer'],
      ['a partner without a master licence', () => ({ partnerId: RESELLER_A, lines: [{ customer: customerId, sku: STD, seats: 1 }] }), 'partnerId'],
    ])('refuses a report with %s as BAD_USER_INPUT naming the field, writing nothing', async (_case, input, field) => {
      const before = await rowCounts(h);
      const result = await h.call(admin, REPORT, { input: { partnerId: sp.id, month, ...input() } });
      expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
      expect(result.errors?.[0]?.message).toContain(field);
      expect(await rowCounts(h)).toEqual(before);
    });

    it('refuses fractional seats: GraphQL as BAD_USER_INPUT at the seats of the line, the service naming the field', async () => {
      const before = await rowCounts(h);
      const result = await report(sp.claims, sp.id, month, [{ customer: customerId, sku: STD, seats: 2.5 }]);
      expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(result.errors?.[0]?.message).toContain('lines[0].seats');
      await expect(h.server.usage.submitReport(sp.claims, { partnerId: sp.id, month, lines: [{ customer: customerId, sku: STD, seats: 2.5 }] })).rejects.toMatchObject({
        code: 'BAD_USER_INPUT',
        field: 'lines[0].seats',
      });
      expect(await rowCounts(h)).toEqual(before);
    });

    it.each<[string, Record<string, unknown>, string]>([
      ['a term SKU', { sku: 'ENDPOINT-ADV-T' }, 'sku'],
      ['an unknown SKU', { sku: 'NO-SUCH-U' }, 'sku'],
      ['a bad country', { customer: { name: 'Nowhere', country: 'XY' } }, 'customer.country'],
      ['a SKU already deployed for the customer', { customer: { name: 'Bad Input SARL', country: 'FR' } }, 'sku'],
    ])('refuses deploying %s as BAD_USER_INPUT naming the field, writing nothing', async (_case, overrides, field) => {
      const before = await rowCounts(h);
      const result = await h.call(sp.claims, DEPLOY, { input: { partnerId: sp.id, customer: { name: 'Fresh Customer', country: 'FR' }, sku: STD, hosting: 'CUSTOMER_SITE', ...overrides } });
      expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
      expect(await rowCounts(h)).toEqual(before);
    });
  });

  describe('the sweep', () => {
    it("issues a month's open statements the day after its lock day, not on it", async () => {
      h.at('2026-05-03');
      const sp = await provider();
      const customer = await deploy(sp.claims, sp.id, { name: 'Swept SAS' });
      h.at('2026-05-31');
      await must(report(sp.claims, sp.id, '2026-05', [{ customer: customer.customer.id, sku: STD, seats: 2 }]));

      h.at('2026-06-10');
      await h.server.sweep();
      expect(await statementOf(admin, sp.id, '2026-05')).toMatchObject({ status: 'OPEN' });

      h.at('2026-06-11');
      await h.server.sweep();
      const issued = await statementOf(admin, sp.id, '2026-05');
      expect(issued).toMatchObject({ status: 'ISSUED', issuedAt: '2026-06-11T10:00:00.000Z', total: { amount: '5.00' } });
      await h.server.sweep();
      expect(await manager().countBy(OutboxEntity, { aggregateId: issued!.id, type: 'usage.statement_issued' })).toBe(1);
    });
  });

  it('lists 100 usage statements with their lines in as many SQL statements as 10', async () => {
    // A hundred months from the price book's first: this provider's statements are its own, whatever other tests closed.
    h.at('2019-12-01');
    const sp = await provider();
    const customer = (await deploy(sp.claims, sp.id, { name: 'Long Standing SA' })).customer.id;
    await deploy(sp.claims, sp.id, { name: 'Long Standing SA' }, 'EMAIL-STD-U');
    let month = '2020-01';
    for (let i = 0; i < 100; i += 1) {
      h.at(firstDayOf(nextMonth(month)));
      await h.server.usage.submitReport(sp.claims, {
        partnerId: sp.id,
        month,
        lines: [
          { customer, sku: STD, seats: 1 + i },
          { customer, sku: 'EMAIL-STD-U', seats: 2 * i + 1 },
        ],
      });
      month = nextMonth(month);
    }
    const query = `query ($n: Int, $p: ID) { usageStatements(first: $n, filter: { partnerId: $p }) { totalCount edges { node {
      id month status currency partner { id } distributor { id } total { amount currency }
      lines { sku seats tierFromSeats unitPrice { amount currency } amount { amount currency } } } } } }`;
    type Listed = GraphQLResponse<{ usageStatements: { totalCount: number; edges: { node: { lines: { tierFromSeats: number }[] } }[] } }>;
    await h.server.relay.stop();
    try {
      const ten = await countQueries(h.database.queries, () => h.call(bi, query, { n: 10, p: sp.id }) as Promise<Listed>);
      const hundred = await countQueries(h.database.queries, () => h.call(bi, query, { n: 100, p: sp.id }) as Promise<Listed>);
      expect(ten.result.errors).toBeUndefined();
      expect(hundred.result.errors).toBeUndefined();
      expect(ten.result.data!.usageStatements.edges).toHaveLength(10);
      expect(hundred.result.data!.usageStatements.totalCount).toBe(100);
      expect(hundred.result.data!.usageStatements.edges).toHaveLength(100);
      expect(hundred.result.data!.usageStatements.edges.every((edge) => edge.node.lines.length === 2)).toBe(true);
      expect(hundred.count, hundred.statements.join('\n')).toBe(ten.count);
      expect(hundred.count).toBeLessThanOrEqual(5);
    } finally {
      h.server.relay.start();
    }
  });
});
