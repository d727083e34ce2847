import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { payloadOf } from '@hub/contracts';
import { addDays, addMonths } from '@hub/domain';
import { OutboxEntity } from '@hub/events';
import { LicenseExpiringNoticeEntity } from './entities';
import { admin, DAY0, DIALECTS, DIST_RENEWALS, must, RESELLER_A, startHarness, type Harness } from './int-test-harness';
import { LicensesEvents } from './services/events';
import { LicensesService } from './services/licenses.service';

const ISSUE = 'mutation ($input: IssueLicenseInput!) { license: issueLicense(input: $input) { id endsOn } }';
const RENEW = 'mutation ($id: ID!, $months: Int!) { license: renewLicense(id: $id, termMonths: $months) { id endsOn } }';
const REVOKE = 'mutation ($id: ID!, $reason: String!) { license: revokeLicense(id: $id, reason: $reason) { id } }';

/** license.expiring on MariaDB and on the embedded SQLite file: the sweep's notices, once per licence term. */
describe.each(DIALECTS)('licences ending soon on $dialect', ({ dialect }) => {
  let h: Harness;
  let customers = 0;

  beforeAll(async () => {
    h = await startHarness(dialect, 'expiring');
  });

  afterEach(() => h.at(DAY0));

  afterAll(async () => {
    await h?.stop();
  });

  const manager = () => h.database.dataSource.manager;
  const notices = async (licenseId: string) =>
    (await manager().find(OutboxEntity, { where: { aggregateId: licenseId, type: 'license.expiring' }, order: { id: 'ASC' } })).map((event) => payloadOf(event, 'license.expiring', 1));

  async function issue(on: string): Promise<{ id: string; endsOn: string }> {
    h.at(on);
    customers += 1;
    const input = { partnerId: RESELLER_A, distributorId: DIST_RENEWALS, customer: { name: `Ablauf ${customers} GmbH`, country: 'DE' }, sku: 'ENDPOINT-ADV-T', seats: 10 };
    return (await must(h.call<{ license: { id: string; endsOn: string } }>(admin, ISSUE, { input }))).license;
  }

  /** Another licenses instance on the same database, as a second process (or this one restarted) runs it. */
  const anotherInstance = () => new LicensesService(h.database, h.clock, new LicensesEvents(h.clock));

  it('announces a term once when it enters the 30-day window, not before, and the renewed term again when it nears its end', async () => {
    const license = await issue('2023-01-10');
    const end = addMonths('2023-01-10', 12);
    expect(license.endsOn).toBe(end);

    h.at(addDays(end, -31));
    await h.server.sweep();
    expect(await notices(license.id)).toEqual([]);

    h.at(addDays(end, -30));
    await h.server.sweep();
    const [notice, ...more] = await notices(license.id);
    expect(more).toEqual([]);
    expect(notice).toMatchObject({
      licenseId: license.id,
      distributorId: DIST_RENEWALS,
      status: 'ACTIVE',
      endsOn: end,
      currency: 'EUR',
      daysLeft: 30,
      term: { sequence: 1, kind: 'INITIAL', endsOn: end, seats: 10, amountMinor: expect.stringMatching(/^\d+$/) },
    });

    // Later sweeps, a restart and a second instance find the notice and send nothing more.
    await h.server.sweep();
    h.at(addDays(end, -5));
    await h.server.sweep();
    expect(await anotherInstance().noticeExpiring(30)).toBe(0);
    expect(await notices(license.id)).toHaveLength(1);

    const renewed = (await must(h.call<{ license: { endsOn: string } }>(admin, RENEW, { id: license.id, months: 12 }))).license;
    const newEnd = addMonths(end, 12);
    expect(renewed.endsOn).toBe(newEnd);
    h.at(addDays(newEnd, -31));
    await h.server.sweep();
    expect(await notices(license.id)).toHaveLength(1);

    h.at(addDays(newEnd, -30));
    await h.server.sweep();
    const all = await notices(license.id);
    expect(all).toHaveLength(2);
    expect(all[1]).toMatchObject({ endsOn: newEnd, daysLeft: 30, term: { sequence: 2, kind: 'RENEWAL', startsOn: end, endsOn: newEnd } });
    expect(await manager().findBy(LicenseExpiringNoticeEntity, { licenseId: license.id })).toHaveLength(2);
  });

  it('honours another window, and says nothing of a revoked licence or of one past its end', async () => {
    const [kept, revoked] = [await issue('2023-07-10'), await issue('2023-07-10')];
    await must(h.call(admin, REVOKE, { id: revoked.id, reason: 'contract cancelled' }));
    const end = addMonths('2023-07-10', 12);

    h.at(addDays(end, -8));
    expect(await h.server.licenses.noticeExpiring(7)).toBe(0);
    h.at(addDays(end, -7));
    expect(await h.server.licenses.noticeExpiring(7)).toBe(1);
    expect((await notices(kept.id)).map((notice) => notice.daysLeft)).toEqual([7]);
    expect(await notices(revoked.id)).toEqual([]);

    // On its end date the licence expires and is past announcing, even under a wider window.
    h.at(end);
    await h.server.sweep();
    expect(await h.server.licenses.noticeExpiring(60)).toBe(0);
    expect(await notices(kept.id)).toHaveLength(1);
  });

  it('announces each term once when two instances sweep at the same moment', async () => {
    const licenses = [];
    for (let i = 0; i < 6; i += 1) licenses.push(await issue('2022-03-10'));
    h.at(addDays(addMonths('2022-03-10', 12), -30));

    const [a, b] = await Promise.all([anotherInstance().noticeExpiring(30), anotherInstance().noticeExpiring(30)]);
    expect(a + b).toBe(6);
    for (const license of licenses) expect(await notices(license.id), license.id).toHaveLength(1);
  });
});
