import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Claims } from '@hub/auth';
import { newId, pendingSchemaChanges } from '@hub/db';
import { addDays, addMonths } from '@hub/domain';
import { OutboxEntity, ProcessedEventEntity, type DomainEvent } from '@hub/events';
import { countQueries, type GraphQLResponse } from '@hub/testing';
import type { Deployment } from './domain';
import { LicenseEntity, LicenseTermEntity } from './entities';
import {
  addPartner,
  admin,
  bi,
  channelManager,
  DAY0,
  decimal,
  DIALECTS,
  DIST_PLAIN,
  DIST_RENEWALS,
  DIST_USAGE,
  distributorClaims,
  must,
  partnerClaims,
  RESELLER_A,
  RESELLER_B,
  rowCounts,
  startHarness,
  termPricePerSeatYear,
  until,
  type Harness,
} from './int-test-harness';
import { DEAL_LICENSES_CONSUMER } from './services/deal-licenses.consumer';
import { payloadOf } from '@hub/contracts';

const partnerA = partnerClaims(RESELLER_A, 'user@alpha');
const partnerB = partnerClaims(RESELLER_B, 'user@beta');
const renewingDistributor = distributorClaims(DIST_RENEWALS);
const plainDistributor = distributorClaims(DIST_PLAIN);

/** Licences issued at this epoch end (12 months on) long before anything issued on DAY0, so the expiry sweep touches only them. */
const EXPIRY_EPOCH = '2024-02-10';

const LICENSE = `id skuCode productLine seats deployment status startsOn endsOn revokedReason
  partner { id } distributor { id } customer { id name country domain } sku { code billing } sourceDeal { id }
  terms { sequence kind startsOn endsOn months seats amount { amount currency } renewedBy { id } }`;

interface TermView {
  sequence: number;
  kind: 'INITIAL' | 'RENEWAL';
  startsOn: string;
  endsOn: string;
  months: number;
  seats: number;
  amount: { amount: string; currency: string };
  renewedBy: { id: string } | null;
}

interface LicenseView {
  id: string;
  skuCode: string;
  productLine: string;
  seats: number;
  deployment: 'CLOUD' | 'HYBRID' | 'ON_PREM';
  status: 'ACTIVE' | 'EXPIRED' | 'REVOKED';
  startsOn: string;
  endsOn: string;
  revokedReason: string | null;
  partner: { id: string };
  distributor: { id: string } | null;
  customer: { id: string; name: string; country: string; domain: string | null };
  sku: { code: string; billing: string } | null;
  sourceDeal: { id: string } | null;
  terms: TermView[];
}

interface IssueInput {
  partnerId: string;
  distributorId?: string | null;
  customer: { name: string; country: string; domain?: string | null };
  sku: string;
  seats: number;
  deployment?: Deployment | null;
  startsOn?: string | null;
  termMonths?: number | null;
}

const ISSUE = `mutation ($input: IssueLicenseInput!) { license: issueLicense(input: $input) { ${LICENSE} } }`;
const RENEW = `mutation ($id: ID!, $months: Int!) { license: renewLicense(id: $id, termMonths: $months) { ${LICENSE} } }`;
const TRANSFER = `mutation ($id: ID!, $to: EndCustomerInput!) { license: transferLicense(id: $id, toCustomer: $to) { ${LICENSE} } }`;
const CHANGE_DEPLOYMENT = `mutation ($id: ID!, $deployment: Deployment!) { license: changeDeployment(id: $id, deployment: $deployment) { ${LICENSE} } }`;
const REVOKE = `mutation ($id: ID!, $reason: String!) { license: revokeLicense(id: $id, reason: $reason) { ${LICENSE} } }`;
const READ = `query ($id: ID!) { license(id: $id) { ${LICENSE} } }`;

/** Term price half-up to the cent: seats × price per seat-year × months / 12. */
function expectedTermAmount(sku: string, seats: number, months: number): bigint {
  return (termPricePerSeatYear(sku) * BigInt(seats) * BigInt(months) + 6n) / 12n;
}

/** A deals event as the deals subgraph publishes it (DealEventPayload). */
function dealEvent(kind: 'WON' | 'REVERSED', deal: { dealId: string; partnerId: string; distributorId: string | null; customer: string; lines: { sku: string; seats: number; unitPriceMinor: bigint }[]; reason?: string }): DomainEvent {
  const lines = deal.lines.map((line) => ({ sku: line.sku, seats: line.seats, unitPriceMinor: line.unitPriceMinor.toString(), amountMinor: (line.unitPriceMinor * BigInt(line.seats)).toString() }));
  return {
    id: newId(),
    type: kind === 'WON' ? 'deal.won' : 'deal.reversed',
    version: 1,
    occurredAt: `${DAY0}T09:00:00.000Z`,
    source: 'deals',
    aggregateId: deal.dealId,
    payload: {
      kind,
      dealId: deal.dealId,
      partnerId: deal.partnerId,
      distributorId: deal.distributorId,
      referringPartnerId: null,
      programCode: 'FR-2023',
      type: 'NEW_CUSTOMER',
      productLine: 'ENDPOINT',
      segment: 'SMB',
      seats: lines.reduce((sum, line) => sum + line.seats, 0),
      amountMinor: lines.reduce((sum, line) => sum + BigInt(line.amountMinor), 0n).toString(),
      currency: 'EUR',
      status: kind,
      endCustomer: { name: deal.customer, country: 'DE', domain: null },
      lines,
      registeredAt: `${addDays(DAY0, -30)}T10:00:00.000Z`,
      approvedAt: `${addDays(DAY0, -29)}T10:00:00.000Z`,
      expiresAt: addDays(DAY0, 61),
      expectedCloseDate: DAY0,
      closedAt: DAY0,
      reason: deal.reason ?? null,
      conflictWithId: null,
    },
  };
}

/** The same suite against MariaDB (production, CI) and the embedded SQLite file. */
describe.each(DIALECTS)('licenses subgraph, term licences, on $dialect', ({ dialect }) => {
  let h: Harness;
  let customers = 0;

  beforeAll(async () => {
    h = await startHarness(dialect, 'licenses');
  });

  afterEach(() => h.at(DAY0));

  afterAll(async () => {
    await h?.stop();
  });

  const manager = () => h.database.dataSource.manager;
  const row = (id: string) => manager().findOneByOrFail(LicenseEntity, { id });
  const termsOf = (licenseId: string) => manager().find(LicenseTermEntity, { where: { licenseId }, order: { sequence: 'ASC' } });
  const eventsOf = (aggregateId: string, type: string) => manager().find(OutboxEntity, { where: { aggregateId, type }, order: { id: 'ASC' } });

  function issueInput(overrides: Partial<IssueInput> = {}): IssueInput {
    customers += 1;
    return {
      partnerId: RESELLER_A,
      distributorId: DIST_RENEWALS,
      customer: { name: `Kunde ${customers} GmbH`, country: 'DE', domain: `kunde-${customers}.example` },
      sku: 'ENDPOINT-ADV-T',
      seats: 10,
      ...overrides,
    };
  }

  const tryIssue = (claims: Claims, overrides: Partial<IssueInput> = {}) => h.call<{ license: LicenseView }>(claims, ISSUE, { input: issueInput(overrides) });
  const issue = async (claims: Claims = admin, overrides: Partial<IssueInput> = {}) => (await must(tryIssue(claims, overrides))).license;
  const read = async (claims: Claims, id: string) => (await must(h.call<{ license: LicenseView }>(claims, READ, { id }))).license;

  it('has migrations that produce exactly the schema the entities describe', async () => {
    const runner = h.database.dataSource.createQueryRunner();
    try {
      expect(await pendingSchemaChanges(runner)).toEqual([]);
    } finally {
      await runner.release();
    }
  });

  describe('issuing', () => {
    it('issues a term licence for the default 12 months at the price book amount, with a license.issued event', async () => {
      const license = await issue(admin, { seats: 7 });
      const amount = expectedTermAmount('ENDPOINT-ADV-T', 7, 12);
      expect(decimal(amount)).toBe('262.50');
      expect(license).toMatchObject({
        skuCode: 'ENDPOINT-ADV-T',
        productLine: 'ENDPOINT',
        seats: 7,
        deployment: 'CLOUD',
        status: 'ACTIVE',
        startsOn: DAY0,
        endsOn: addMonths(DAY0, 12),
        partner: { id: RESELLER_A },
        distributor: { id: DIST_RENEWALS },
        sku: { code: 'ENDPOINT-ADV-T', billing: 'TERM' },
        sourceDeal: null,
      });
      expect(license.terms).toEqual([
        { sequence: 1, kind: 'INITIAL', startsOn: DAY0, endsOn: addMonths(DAY0, 12), months: 12, seats: 7, amount: { amount: decimal(amount), currency: 'EUR' }, renewedBy: null },
      ]);
      const events = await eventsOf(license.id, 'license.issued');
      expect(events).toHaveLength(1);
      expect(payloadOf(events[0]!, 'license.issued', 1).term).toMatchObject({ sequence: 1, kind: 'INITIAL', amountMinor: amount.toString() });
    });
  });

  describe('licences from won deals', () => {
    const processed = (eventId: string) => manager().countBy(ProcessedEventEntity, { consumer: DEAL_LICENSES_CONSUMER, eventId });

    it('issues one licence per deal line exactly once, however often the won deal is delivered, and revokes them when the deal is reversed', async () => {
      const dealId = newId();
      const deal = {
        dealId,
        partnerId: RESELLER_A,
        distributorId: DIST_PLAIN,
        customer: 'Won Deal Industrie AG',
        lines: [
          { sku: 'ENDPOINT-ADV-T', seats: 25, unitPriceMinor: 3500n },
          { sku: 'EMAIL-STD-T', seats: 10, unitPriceMinor: 1750n },
          // Sold on the deal but not in the licences catalog: still licensed, with the deal's product line.
          { sku: 'WFBS-SVC', seats: 5, unitPriceMinor: 1999n },
        ],
      };
      const won = dealEvent('WON', deal);
      const wonAgainUnderAnotherId = dealEvent('WON', deal);
      await h.bus.publish([won, won, wonAgainUnderAnotherId]);
      await until(async () => (await processed(wonAgainUnderAnotherId.id)) === 1);
      expect(await processed(won.id)).toBe(1);

      const issued = await manager().find(LicenseEntity, { where: { sourceDealId: dealId }, order: { sourceLine: 'ASC' } });
      expect(issued.map((license) => [license.sourceLine, license.sku, license.seats])).toEqual([
        [0, 'ENDPOINT-ADV-T', 25],
        [1, 'EMAIL-STD-T', 10],
        [2, 'WFBS-SVC', 5],
      ]);
      for (const license of issued) expect(await eventsOf(license.id, 'license.issued')).toHaveLength(1);

      const first = await read(partnerA, issued[0]!.id);
      expect(first).toMatchObject({
        status: 'ACTIVE',
        startsOn: DAY0,
        endsOn: addMonths(DAY0, 12),
        partner: { id: RESELLER_A },
        distributor: { id: DIST_PLAIN },
        customer: { name: 'Won Deal Industrie AG', country: 'DE' },
        sourceDeal: { id: dealId },
      });
      // The term is what the deal was won for, not the price book.
      expect(first.terms).toEqual([expect.objectContaining({ sequence: 1, kind: 'INITIAL', months: 12, seats: 25, amount: { amount: '875.00', currency: 'EUR' } })]);
      const offCatalog = await read(admin, issued[2]!.id);
      expect(offCatalog).toMatchObject({ skuCode: 'WFBS-SVC', sku: null, productLine: 'ENDPOINT', deployment: 'CLOUD' });
      // All three lines are for one customer of the partner.
      expect(new Set(issued.map((license) => license.customerId)).size).toBe(1);

      const reversed = dealEvent('REVERSED', { ...deal, reason: 'customer cancelled within 30 days' });
      await h.bus.publish([reversed, reversed]);
      await until(async () => (await processed(reversed.id)) === 1);
      for (const license of issued) {
        expect(await row(license.id)).toMatchObject({ status: 'REVOKED', revokedReason: expect.stringContaining('customer cancelled within 30 days') });
        expect(await eventsOf(license.id, 'license.revoked')).toHaveLength(1);
      }
      expect(await manager().countBy(LicenseEntity, { sourceDealId: dealId })).toBe(3);
    });
  });

  describe('renewals', () => {
    it('renews into a second term from the end of the first at the price book amount, and refuses a second renewal before that term starts', async () => {
      const license = await issue(admin, { seats: 7 });
      const renewed = (await must(h.call<{ license: LicenseView }>(partnerA, RENEW, { id: license.id, months: 5 }))).license;
      const amount = expectedTermAmount('ENDPOINT-ADV-T', 7, 5);
      // 37.50 × 7 × 5 / 12 = 109.375, half-up.
      expect(decimal(amount)).toBe('109.38');
      const term1End = addMonths(DAY0, 12);
      expect(renewed).toMatchObject({ id: license.id, status: 'ACTIVE', startsOn: DAY0, endsOn: addMonths(term1End, 5) });
      expect(renewed.terms).toEqual([
        license.terms[0],
        { sequence: 2, kind: 'RENEWAL', startsOn: term1End, endsOn: addMonths(term1End, 5), months: 5, seats: 7, amount: { amount: decimal(amount), currency: 'EUR' }, renewedBy: null },
      ]);
      const events = await eventsOf(license.id, 'license.renewed');
      expect(events).toHaveLength(1);
      expect(payloadOf(events[0]!, 'license.renewed', 1).term).toEqual({
        sequence: 2,
        kind: 'RENEWAL',
        startsOn: term1End,
        endsOn: addMonths(term1End, 5),
        months: 5,
        seats: 7,
        amountMinor: amount.toString(),
        renewedByDistributorId: null,
      });

      const before = await rowCounts(h);
      const again = await h.call(admin, RENEW, { id: license.id, months: 12 });
      expect(again.errors?.[0]?.extensions).toMatchObject({ code: 'LICENSES.ALREADY_RENEWED', nextTermStartsOn: term1End });
      expect(await rowCounts(h)).toEqual(before);
      expect(await termsOf(license.id)).toHaveLength(2);
    });

    it('lets a distributor that handles renewals for the partner renew, and records it on the term', async () => {
      const license = await issue(admin, { distributorId: DIST_PLAIN });
      const renewed = (await must(h.call<{ license: LicenseView }>(renewingDistributor, RENEW, { id: license.id, months: 12 }))).license;
      expect(renewed.terms[1]).toMatchObject({ sequence: 2, kind: 'RENEWAL', renewedBy: { id: DIST_RENEWALS } });
      expect(renewed.distributor).toEqual({ id: DIST_RENEWALS });
      expect((await termsOf(license.id))[1]).toMatchObject({ distributorId: DIST_RENEWALS, createdBy: renewingDistributor.sub });
      const [event] = await eventsOf(license.id, 'license.renewed');
      expect(payloadOf(event!, 'license.renewed', 1).term?.renewedByDistributorId).toBe(DIST_RENEWALS);
    });

    it('refuses FORBIDDEN to a distributor that does not handle renewals, or does not serve the partner, writing nothing', async () => {
      const license = await issue(admin, { distributorId: DIST_PLAIN });
      const before = [await rowCounts(h), await row(license.id)];
      for (const claims of [plainDistributor, distributorClaims(DIST_USAGE), partnerB]) {
        const refused = await h.call(claims, RENEW, { id: license.id, months: 12 });
        expect(refused.errors?.[0]?.extensions?.code, claims.sub).toBe('FORBIDDEN');
      }
      expect([await rowCounts(h), await row(license.id)]).toEqual(before);
    });

    it('expires a licence on its end date, not the day before, and a late renewal brings it back ACTIVE with continuous terms', async () => {
      h.at(EXPIRY_EPOCH);
      const license = await issue(admin);
      const end = addMonths(EXPIRY_EPOCH, 12);

      h.at(addDays(end, -1));
      await h.server.licenses.expireDue();
      expect((await row(license.id)).status).toBe('ACTIVE');
      expect(await eventsOf(license.id, 'license.expired')).toHaveLength(0);

      h.at(end);
      await h.server.licenses.expireDue();
      expect((await row(license.id)).status).toBe('EXPIRED');
      expect(await eventsOf(license.id, 'license.expired')).toHaveLength(1);
      await h.server.licenses.expireDue();
      expect(await eventsOf(license.id, 'license.expired')).toHaveLength(1);

      h.at(addDays(end, 20));
      const renewed = (await must(h.call<{ license: LicenseView }>(admin, RENEW, { id: license.id, months: 12 }))).license;
      expect(renewed).toMatchObject({ status: 'ACTIVE', startsOn: EXPIRY_EPOCH, endsOn: addMonths(end, 12) });
      expect(renewed.terms.map((term) => [term.startsOn, term.endsOn])).toEqual([
        [EXPIRY_EPOCH, end],
        [end, addMonths(end, 12)],
      ]);
    });
  });

  describe('transfer and portability', () => {
    it("transfers a licence to another of the partner's customers: same licence, same terms, no new term", async () => {
      const license = await issue(admin);
      const [licensesBefore, termsBefore] = [await manager().count(LicenseEntity), await termsOf(license.id)];
      const moved = (await must(h.call<{ license: LicenseView }>(partnerA, TRANSFER, { id: license.id, to: { name: 'Nouveau Client SAS', country: 'FR', domain: 'nouveau.example' } }))).license;
      expect(moved).toMatchObject({ id: license.id, status: 'ACTIVE', seats: license.seats, startsOn: license.startsOn, endsOn: license.endsOn, skuCode: license.skuCode });
      expect(moved.customer).toMatchObject({ name: 'Nouveau Client SAS', country: 'FR', domain: 'nouveau.example' });
      expect(moved.customer.id).not.toBe(license.customer.id);
      expect(moved.terms).toEqual(license.terms);
      expect(await termsOf(license.id)).toEqual(termsBefore);
      expect(await manager().count(LicenseEntity)).toBe(licensesBefore);
      expect(await eventsOf(license.id, 'license.transferred')).toHaveLength(1);

      const same = await h.call(partnerA, TRANSFER, { id: license.id, to: { name: 'NOUVEAU CLIENT', country: 'FR' } });
      expect(same.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'toCustomer' });
      const stranger = await h.call(partnerB, TRANSFER, { id: license.id, to: { name: 'Ailleurs SARL', country: 'FR' } });
      expect(stranger.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect((await row(license.id)).customerId).toBe(moved.customer.id);
    });

    it('changes the deployment model at no charge: same licence, same terms', async () => {
      const license = await issue(admin, { sku: 'ENDPOINT-STD-T' });
      expect(license.deployment).toBe('CLOUD');
      const onPrem = (await must(h.call<{ license: LicenseView }>(partnerA, CHANGE_DEPLOYMENT, { id: license.id, deployment: 'ON_PREM' }))).license;
      expect(onPrem).toMatchObject({ id: license.id, status: 'ACTIVE', deployment: 'ON_PREM', endsOn: license.endsOn });
      expect(onPrem.terms).toEqual(license.terms);
      expect(await termsOf(license.id)).toHaveLength(1);
      expect(await eventsOf(license.id, 'license.deployment_changed')).toHaveLength(1);
    });

    it('refuses a deployment model the SKU does not run under with BAD_USER_INPUT, writing nothing', async () => {
      const license = await issue(admin, { sku: 'WORKLOAD-STD-T' });
      const before = [await rowCounts(h), await row(license.id)];
      const refused = await h.call(admin, CHANGE_DEPLOYMENT, { id: license.id, deployment: 'ON_PREM' });
      expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'deployment' });
      expect(refused.errors?.[0]?.message).toContain('WORKLOAD-STD-T');
      expect([await rowCounts(h), await row(license.id)]).toEqual(before);
    });

    it('refuses to transfer or redeploy a revoked licence', async () => {
      const license = await issue(admin);
      await must(h.call(admin, REVOKE, { id: license.id, reason: 'fraudulent order' }));
      const before = [await rowCounts(h), await row(license.id)];
      const transfer = await h.call(admin, TRANSFER, { id: license.id, to: { name: 'Other', country: 'FR' } });
      expect(transfer.errors?.[0]?.extensions).toMatchObject({ code: 'LICENSES.INVALID_STATE', status: 'REVOKED' });
      const redeploy = await h.call(admin, CHANGE_DEPLOYMENT, { id: license.id, deployment: 'HYBRID' });
      expect(redeploy.errors?.[0]?.extensions).toMatchObject({ code: 'LICENSES.INVALID_STATE', status: 'REVOKED' });
      expect([await rowCounts(h), await row(license.id)]).toEqual(before);
    });
  });

  describe('access', () => {
    const LIST = `{ licenses(first: 500) { totalCount edges { node { id partner { id } distributor { id } } } } }`;
    type Listed = { licenses: { totalCount: number; edges: { node: { id: string; partner: { id: string }; distributor: { id: string } | null } }[] } };

    it('lets a partner list and read only its own licences', async () => {
      const own = await issue(admin);
      const theirs = await issue(admin, { partnerId: RESELLER_B, distributorId: DIST_PLAIN });
      const listed = await must(h.call<Listed>(partnerA, LIST));
      expect(listed.licenses.totalCount).toBe(await manager().countBy(LicenseEntity, { partnerId: RESELLER_A }));
      expect(listed.licenses.edges).toHaveLength(listed.licenses.totalCount);
      expect(listed.licenses.edges.every((edge) => edge.node.partner.id === RESELLER_A)).toBe(true);
      expect(listed.licenses.edges.map((edge) => edge.node.id)).toContain(own.id);
      expect((await read(partnerA, own.id)).id).toBe(own.id);
      const denied = await h.call(partnerA, READ, { id: theirs.id });
      expect(denied.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      // A filter cannot widen what a partner sees.
      const widened = await must(h.call<Listed>(partnerA, `{ licenses(first: 500, filter: { partnerId: "${RESELLER_B}" }) { totalCount edges { node { id partner { id } distributor { id } } } } }`));
      expect(widened.licenses.totalCount).toBe(0);
    });

    it('lets a distributor list and read only the licences it fulfils', async () => {
      const fulfilled = await issue(admin, { distributorId: DIST_PLAIN });
      const elsewhere = await issue(admin, { distributorId: DIST_RENEWALS });
      const listed = await must(h.call<Listed>(plainDistributor, LIST));
      expect(listed.licenses.totalCount).toBe(await manager().countBy(LicenseEntity, { distributorId: DIST_PLAIN }));
      expect(listed.licenses.edges.every((edge) => edge.node.distributor?.id === DIST_PLAIN)).toBe(true);
      expect(listed.licenses.edges.map((edge) => edge.node.id)).toContain(fulfilled.id);
      expect((await read(plainDistributor, fulfilled.id)).id).toBe(fulfilled.id);
      const denied = await h.call(plainDistributor, READ, { id: elsewhere.id });
      expect(denied.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    });

    it('lets bi read every licence', async () => {
      await issue(admin, { partnerId: RESELLER_B, distributorId: DIST_PLAIN });
      const listed = await must(h.call<Listed>(bi, LIST));
      expect(listed.licenses.totalCount).toBe(await manager().count(LicenseEntity));
    });

    it('lets only staff revoke: the owning partner, a distributor and bi get FORBIDDEN', async () => {
      const license = await issue(admin);
      const before = [await rowCounts(h), await row(license.id)];
      for (const claims of [partnerA, renewingDistributor, bi]) {
        const refused = await h.call(claims, REVOKE, { id: license.id, reason: 'not allowed' });
        expect(refused.errors?.[0]?.extensions?.code, claims.role).toBe('FORBIDDEN');
      }
      expect([await rowCounts(h), await row(license.id)]).toEqual(before);
      const revoked = (await must(h.call<{ license: LicenseView }>(channelManager, REVOKE, { id: license.id, reason: 'chargeback' }))).license;
      expect(revoked).toMatchObject({ status: 'REVOKED', revokedReason: 'chargeback' });
      expect(await eventsOf(license.id, 'license.revoked')).toHaveLength(1);
    });

    it("resolves Partner.licenses through _entities for the partner itself, and shows another partner's as empty", async () => {
      const own = await issue(admin);
      const query = `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Partner { id licenses(first: 500) { totalCount edges { node { id partner { id } } } } } } }`;
      type Entities = { _entities: { id: string; licenses: { totalCount: number; edges: { node: { id: string; partner: { id: string } } }[] } }[] };
      const mine = await must(h.call<Entities>(partnerA, query, { r: [{ __typename: 'Partner', id: RESELLER_A }] }));
      expect(mine._entities[0]!.id).toBe(RESELLER_A);
      expect(mine._entities[0]!.licenses.totalCount).toBe(await manager().countBy(LicenseEntity, { partnerId: RESELLER_A }));
      expect(mine._entities[0]!.licenses.edges.map((edge) => edge.node.id)).toContain(own.id);
      const theirs = await must(h.call<Entities>(partnerA, query, { r: [{ __typename: 'Partner', id: RESELLER_B }] }));
      expect(theirs._entities[0]!.licenses.totalCount).toBe(0);
      const staff = await must(h.call<Entities>(admin, query, { r: [{ __typename: 'Partner', id: RESELLER_B }] }));
      expect(staff._entities[0]!.licenses.totalCount).toBe(await manager().countBy(LicenseEntity, { partnerId: RESELLER_B }));
    });
  });

  describe('bad input', () => {
    it.each<[string, Partial<IssueInput>, string]>([
      ['an unknown SKU', { sku: 'NO-SUCH-T' }, 'sku'],
      ['a usage SKU', { sku: 'ENDPOINT-STD-U' }, 'sku'],
      ['zero seats', { seats: 0 }, 'seats'],
      ['negative seats', { seats: -3 }, 'seats'],
      ['a term of 0 months', { termMonths: 0 }, 'termMonths'],
      ['a term of 61 months', { termMonths: 61 }, 'termMonths'],
      ['a bad country', { customer: { name: 'Somewhere Ltd', country: 'XY' } }, 'customer.country'],
      ['an empty customer name', { customer: { name: '   ', country: 'FR' } }, 'customer.name'],
      ['an unknown partner', { partnerId: newId() }, 'partnerId'],
      ['a distributor the partner does not buy through', { partnerId: RESELLER_B, distributorId: DIST_RENEWALS }, 'distributorId'],
      ['a deployment model the SKU does not run under', { sku: 'NETWORK-STD-T', deployment: 'CLOUD' }, 'deployment'],
    ])('refuses issuing with %s as BAD_USER_INPUT naming the field, writing nothing', async (_case, overrides, field) => {
      const before = await rowCounts(h);
      const result = await tryIssue(admin, overrides);
      expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
      expect(result.errors?.[0]?.message).toContain(field);
      expect(await rowCounts(h)).toEqual(before);
    });

    it('refuses renewing for 0 months as BAD_USER_INPUT naming termMonths, writing nothing', async () => {
      const license = await issue(admin);
      const before = await rowCounts(h);
      const result = await h.call(admin, RENEW, { id: license.id, months: 0 });
      expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'termMonths' });
      expect(await rowCounts(h)).toEqual(before);
    });

    it('refuses a partner issuing its own licence, and a distributor issuing through another, with FORBIDDEN', async () => {
      const before = await rowCounts(h);
      expect((await tryIssue(partnerA)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect((await tryIssue(plainDistributor, { distributorId: DIST_RENEWALS })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect(await rowCounts(h)).toEqual(before);
    });

    it('answers NOT_FOUND for an unknown licence', async () => {
      const result = await h.call(admin, RENEW, { id: newId(), months: 12 });
      expect(result.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    });
  });

  it('prices 100 catalog SKUs in as many SQL statements as 10', async () => {
    const query = `query ($n: Int) { skus(first: $n) { edges { node { code billing termPrice(currency: "EUR") { amount } usagePrices(currency: "CHF") { fromSeats unitPrice { amount currency } } } } } }`;
    type Priced = GraphQLResponse<{ skus: { edges: { node: { billing: string; termPrice: { amount: string } | null; usagePrices: unknown[] } }[] } }>;
    await h.server.relay.stop();
    try {
      const ten = await countQueries(h.database.queries, () => h.call(bi, query, { n: 10 }) as Promise<Priced>);
      const hundred = await countQueries(h.database.queries, () => h.call(bi, query, { n: 100 }) as Promise<Priced>);
      expect(hundred.result.errors).toBeUndefined();
      const nodes = hundred.result.data!.skus.edges.map((edge) => edge.node);
      expect(nodes.filter((node) => node.billing === 'TERM').every((node) => node.termPrice !== null && node.usagePrices.length === 0)).toBe(true);
      expect(nodes.filter((node) => node.billing === 'USAGE').every((node) => node.termPrice === null && node.usagePrices.length === 4)).toBe(true);
      expect(hundred.count, hundred.statements.join('\n')).toBe(ten.count);
    } finally {
      h.server.relay.start();
    }
  });

  it('lists 100 licences with customer, SKU, terms and partner in as many SQL statements as 10', async () => {
    const bulkPartner = await addPartner(h, { name: 'Volume Revente', distributorIds: [DIST_PLAIN] });
    const bulkSku = (i: number) => ['ENDPOINT-ADV-T', 'EMAIL-STD-T', 'SERVER-ADV-ENC-DLP-DD-T'][i % 3]!;
    const ids: string[] = [];
    for (let i = 0; i < 100; i += 1) {
      const license = await h.server.licenses.issue(admin, issueInput({ partnerId: bulkPartner, distributorId: DIST_PLAIN, sku: bulkSku(i), seats: 1 + i }));
      ids.push(license.id);
    }
    // Every other licence gets a second term, so terms are not all alike.
    for (const id of ids.filter((_, i) => i % 2 === 0)) await h.server.licenses.renew(admin, id, 12);
    const query = `query ($n: Int, $p: ID) { licenses(first: $n, filter: { partnerId: $p }) { totalCount edges { node {
      id seats status customer { id name country domain } sku { code name deployments } skuCode partner { id } distributor { id } sourceDeal { id }
      terms { sequence kind startsOn endsOn amount { amount currency } renewedBy { id } } } } } }`;
    type Listed = GraphQLResponse<{ licenses: { totalCount: number; edges: { node: { terms: unknown[]; customer: { id: string }; sku: { code: string } | null } }[] } }>;
    // The outbox relay polls the same database: pause it so only the listing is counted.
    await h.server.relay.stop();
    try {
      const ten = await countQueries(h.database.queries, () => h.call(bi, query, { n: 10, p: bulkPartner }) as Promise<Listed>);
      const hundred = await countQueries(h.database.queries, () => h.call(bi, query, { n: 100, p: bulkPartner }) as Promise<Listed>);
      expect(ten.result.errors).toBeUndefined();
      expect(hundred.result.errors).toBeUndefined();
      expect(ten.result.data!.licenses.edges).toHaveLength(10);
      expect(hundred.result.data!.licenses.edges).toHaveLength(100);
      expect(hundred.result.data!.licenses.edges.every((edge) => edge.node.terms.length >= 1 && edge.node.sku !== null && edge.node.customer.id)).toBe(true);
      expect(hundred.result.data!.licenses.edges.filter((edge) => edge.node.terms.length === 2)).toHaveLength(50);
      expect(hundred.count, hundred.statements.join('\n')).toBe(ten.count);
      expect(hundred.count).toBeLessThanOrEqual(6);
    } finally {
      h.server.relay.start();
    }
  });
});
