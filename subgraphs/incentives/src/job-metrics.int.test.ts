import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Claims } from '@hub/auth';
import { newId, type Database } from '@hub/db';
import { adjustableClock } from '@hub/domain';
import { applyOnce, InProcessBus } from '@hub/events';
import { createTestDatabase, subgraphClient, type TestDatabase } from '@hub/testing';
import { createIncentivesServer, openIncentivesDatabase } from './server';
import { applyLedgerEvent, LEDGER_CONSUMER } from './services/ledger.consumer';
import { deal, event, partner, PROGRAMS } from './test/ledger-events';

const SECRET = 'integration-test-gateway-secret-0123456789';
const admin: Claims = { sub: 'admin@vendor', role: 'vendor_admin' };
const STARTED = '2026-10-05T10:00:00.000Z';
const COMPUTE = 'mutation ($period: String!) { computeStatements(period: $period) { id } }';

/** The value of one series, by its name and labels in any order. */
function valueOf(body: string, name: string, labels: Record<string, string>): number | undefined {
  const wanted = Object.entries(labels)
    .map(([key, value]) => `${key}="${value}"`)
    .sort()
    .join(',');
  for (const line of body.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)\{(.*)\} (\S+)$/.exec(line);
    if (match?.[1] === name && match[2]!.split(',').sort().join(',') === wanted) return Number(match[3]);
  }
  return undefined;
}

describe.each([{ dialect: 'mysql' as const }, { dialect: 'sqlite' as const }])('job durations on /metrics on $dialect', ({ dialect }) => {
  const clock = adjustableClock(STARTED);
  let testDb: TestDatabase | undefined;
  let database: Database;
  let url: string;
  let close: () => Promise<void>;
  let compute: (period: string) => Promise<void>;
  // What each page does after committing: the test moves the clock on, or fails the job there.
  let afterPage: () => void = () => {};

  beforeAll(async () => {
    testDb = dialect === 'mysql' ? await createTestDatabase('job_metrics') : undefined;
    database = await openIncentivesDatabase(testDb ? { url: testDb.url } : { sqliteFile: ':memory:' });
    const partnerId = newId();
    const facts = { dealId: newId(), partnerId, programCode: 'FR-2023', currency: 'EUR', amountMinor: '1000000', closedAt: '2026-08-01' };
    const ledger = [
      ...PROGRAMS.map((program) => event('program.saved', program.code, program)),
      partner(partnerId, 'FR-2023', 'EUR'),
      event('partner.tier_assigned', partnerId, { partnerId, programCode: 'FR-2023', tierCode: 'SKILL', effectiveFrom: '2026-01-01' }),
      deal('approved', facts, '2026-07-01T09:00:00Z'),
      deal('won', facts, '2026-08-01T09:00:00Z'),
    ];
    for (const e of ledger) await applyOnce(database, LEDGER_CONSUMER, e, applyLedgerEvent, new Date());
    const server = await createIncentivesServer({ database, bus: new InProcessBus(), gatewaySecret: SECRET, clock, jobs: { afterPage: () => afterPage() } });
    const running = await server.start(0, '127.0.0.1');
    url = running.url;
    close = running.close;
    const call = subgraphClient(running.url, SECRET);
    compute = async (period) => {
      const { data, errors } = await call<{ computeStatements: { id: string } }>(admin, COMPUTE, { period });
      expect(errors).toBeUndefined();
      await server.jobs.runner.settled(data!.computeStatements.id);
    };
  });
  afterAll(async () => {
    await close?.();
    await database?.dataSource.destroy();
    await testDb?.drop();
  });

  it('shows each finished job once in hub_job_duration_seconds, by kind and outcome, timed from its start to its end', async () => {
    clock.set(STARTED);
    afterPage = () => clock.set('2026-10-05T10:00:42.000Z');
    await compute('2026-Q3');
    clock.set('2026-10-05T11:00:00.000Z');
    afterPage = () => {
      clock.set('2026-10-05T11:00:03.000Z');
      throw new Error('the page broke after committing');
    };
    await compute('2026-Q3');

    const response = await fetch(new URL('/metrics', url));
    expect(response.status).toBe(200);
    const body = await response.text();
    const series = (outcome: string, suffix: string, extra: Record<string, string> = {}) =>
      valueOf(body, `hub_job_duration_seconds_${suffix}`, { kind: 'statements', outcome, subgraph: 'incentives', ...extra });
    expect(series('succeeded', 'count')).toBe(1);
    expect(series('succeeded', 'sum')).toBe(42);
    expect(series('succeeded', 'bucket', { le: '30' })).toBe(0);
    expect(series('succeeded', 'bucket', { le: '60' })).toBe(1);
    expect(series('failed', 'count')).toBe(1);
    expect(series('failed', 'sum')).toBe(3);
    expect(body).toContain('# TYPE hub_job_duration_seconds histogram');
  });
});
