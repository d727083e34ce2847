import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Claims } from '@hub/auth';
import { newId, type Database } from '@hub/db';
import { fixedClock } from '@hub/domain';
import { Redis } from 'ioredis';
import { applyOnce, InProcessBus, OutboxEntity, RedisStreamsBus, type DomainEvent } from '@hub/events';
import { JOB_UPDATED, JobEntity, JobPageEntity, jobMirrorConsumer, JobStore, type JobSnapshot } from '@hub/jobs';
import { createTestDatabase, subgraphClient, type TestDatabase } from '@hub/testing';
import { PayoutLineEntity, StatementEntity } from './entities';
import { createIncentivesServer, openIncentivesDatabase } from './server';
import { applyLedgerEvent, LEDGER_CONSUMER } from './services/ledger.consumer';
import { deal, event, partner, PROGRAMS } from './test/ledger-events';

const SECRET = 'integration-test-gateway-secret-0123456789';
const admin: Claims = { sub: 'admin@vendor', role: 'vendor_admin' };
const manager: Claims = { sub: 'cm@vendor', role: 'channel_manager' };
const PAGE = 3;
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const PARTNERS = Array.from({ length: 14 }, () => newId()).sort();
const DEALS = PARTNERS.map(() => [newId(), newId()]);
const QUARTER = '2026-Q3';
const JOB = `id kind status progress { done total } startedAt finishedAt error`;

/** Fourteen partners with one or two won deals each, most referred by another partner. */
function ledger(): DomainEvent[] {
  const events: DomainEvent[] = [...PROGRAMS.map((program) => event('program.saved', program.code, program))];
  PARTNERS.forEach((partnerId, i) => {
    events.push(partner(partnerId, 'FR-2023', 'EUR'));
    events.push(event('partner.tier_assigned', partnerId, { partnerId, programCode: 'FR-2023', tierCode: i % 2 ? 'EXPERT' : 'SKILL', effectiveFrom: '2026-01-01' }));
    for (let n = 0; n <= i % 2; n++) {
      const facts = { dealId: DEALS[i]![n]!, partnerId, programCode: 'FR-2023', currency: 'EUR', amountMinor: String(1_000_000 + i * 1000 + n), closedAt: '2026-08-01', referringPartnerId: i > 0 ? PARTNERS[i - 1] : undefined };
      events.push(deal('approved', facts, '2026-07-01T09:00:00Z'), deal('won', facts, '2026-08-01T09:00:00Z'));
    }
  });
  return events;
}

/** What the quarter's statements say, without the ids a run draws. */
async function statementsOf(database: Database) {
  const manager = database.dataSource.manager;
  const statements = await manager.find(StatementEntity, { where: { period: QUARTER }, order: { payeeId: 'ASC' } });
  return Promise.all(
    statements.map(async (st) => ({
      payee: st.payeeId,
      status: st.status,
      total: st.total,
      lines: (await manager.find(PayoutLineEntity, { where: { statementId: st.id }, order: { position: 'ASC' } })).map((line) => [line.rule, line.source, line.amount, line.explanation]),
    })),
  );
}

describe.each([{ dialect: 'mysql' as const }, { dialect: 'sqlite' as const }])('statements as a job on $dialect', ({ dialect }) => {
  const databases: { testDb?: TestDatabase; database: Database }[] = [];
  const open = async (name: string) => {
    const testDb = dialect === 'mysql' ? await createTestDatabase(name) : undefined;
    const database = await openIncentivesDatabase(testDb ? { url: testDb.url } : { sqliteFile: ':memory:' });
    for (const e of ledger()) await applyOnce(database, LEDGER_CONSUMER, e, applyLedgerEvent, new Date());
    databases.push({ testDb, database });
    return database;
  };
  const serve = async (database: Database, options: { afterPage?: (jobId: string) => void } = {}) => {
    const server = await createIncentivesServer({ database, bus: new InProcessBus(), gatewaySecret: SECRET, clock: fixedClock('2026-10-05T10:00:00Z'), statementsPageSize: PAGE, jobs: { afterPage: options.afterPage } });
    const running = await server.start(0, '127.0.0.1');
    return { server, running, call: subgraphClient(running.url, SECRET) };
  };
  const waitFor = async (call: ReturnType<typeof subgraphClient>, id: string) => {
    for (let i = 0; i < 200; i++) {
      const { data } = await call<{ job: { status: string } }>(manager, `query ($id: ID!) { job(id: $id) { ${JOB} } }`, { id });
      if (data?.job.status === 'SUCCEEDED' || data?.job.status === 'FAILED') return data.job;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`job ${id} did not finish`);
  };

  /** The statements of an uninterrupted run over the same ledger, in a database of its own. */
  let PRISTINE: Awaited<ReturnType<typeof statementsOf>>;

  beforeAll(async () => {
    const database = await open('incentives_jobs_whole');
    const { running, call } = await serve(database);
    const { data } = await call<{ computeStatements: { id: string } }>(admin, `mutation { computeStatements(period: "${QUARTER}") { id } }`);
    await waitFor(call, data!.computeStatements.id);
    PRISTINE = await statementsOf(database);
    await running.close();
  });

  afterAll(async () => {
    for (const { database, testDb } of databases) {
      await database.dataSource.destroy();
      await testDb?.drop();
    }
  });

  it('answers at once with a queued job, runs it in pages of payees and reports progress to the end', async () => {
    const database = await open('incentives_jobs_api');
    const { running, call } = await serve(database);
    try {
      const started = await call<{ computeStatements: { id: string; kind: string; status: string; progress: { done: number; total: number }; startedAt: null } }>(admin, `mutation { computeStatements(period: "${QUARTER}") { ${JOB} } }`);
      expect(started.errors).toBeUndefined();
      expect(started.data!.computeStatements).toMatchObject({ kind: 'statements', status: 'QUEUED', progress: { done: 0, total: 0 }, startedAt: null });
      const finished = await waitFor(call, started.data!.computeStatements.id);
      expect(finished).toMatchObject({ status: 'SUCCEEDED', progress: { done: PARTNERS.length, total: PARTNERS.length }, error: null });
      expect(await statementsOf(database)).toEqual(PRISTINE);
      expect(PRISTINE).toHaveLength(PARTNERS.length);

      const next = await call<{ computeStatements: { id: string } }>(admin, `mutation { computeStatements(period: "${QUARTER}") { id } }`);
      expect(next.data!.computeStatements.id, 'a finished job is not reused: asking again recomputes').not.toBe(started.data!.computeStatements.id);
      await waitFor(call, next.data!.computeStatements.id);
    } finally {
      await running.close();
    }
  });

  it('gives the active job of a quarter to whoever asks while it is queued or running', async () => {
    const store = new JobStore(databases[0]!.database);
    const queued = await store.enqueue('statements', '2031-Q1', 'admin@vendor');
    expect((await store.enqueue('statements', '2031-Q1', 'other@vendor')).id).toBe(queued.id);
    expect((await store.enqueue('statements', '2031-Q2', 'admin@vendor')).id).not.toBe(queued.id);
    await store.finish(queued.id);
    expect((await store.enqueue('statements', '2031-Q1', 'admin@vendor')).id).not.toBe(queued.id);
  });

  it('answers job(id) for a job licences runs, from its job.updated events, never going back', async () => {
    const database = databases[0]!.database;
    const { running, call } = await serve(database);
    try {
      const id = newId();
      const snapshot = (status: JobSnapshot['status'], done: number): DomainEvent => ({
        id: newId(),
        type: JOB_UPDATED,
        version: 1,
        occurredAt: '2026-10-05T10:00:00.000Z',
        source: 'licenses',
        aggregateId: id,
        payload: { id, kind: 'usage-month', subject: '2026-09', status, done, total: 40, requestedBy: 'cm@vendor', createdAt: '2026-10-05T09:59:00.000Z', startedAt: '2026-10-05T09:59:01.000Z', finishedAt: status === 'SUCCEEDED' ? '2026-10-05T10:00:00.000Z' : null, error: null },
      });
      const jobCopies = jobMirrorConsumer('incentives.jobs');
      const mirror = (event: DomainEvent) => applyOnce(database, jobCopies.name, event, jobCopies.handle, new Date());
      await mirror(snapshot('RUNNING', 20));
      await mirror(snapshot('SUCCEEDED', 40));
      // A late event of an earlier state changes nothing.
      await mirror(snapshot('RUNNING', 30));
      const { data } = await call<{ job: unknown }>(manager, `query ($id: ID!) { job(id: $id) { ${JOB} } }`, { id });
      expect(data!.job).toEqual({ id, kind: 'usage-month', status: 'SUCCEEDED', progress: { done: 40, total: 40 }, startedAt: '2026-10-05T09:59:01.000Z', finishedAt: '2026-10-05T10:00:00.000Z', error: null });
      // A copy is never picked up by this subgraph's runner.
      expect(await database.dataSource.manager.findOneByOrFail(JobEntity, { id })).toMatchObject({ activeKey: null, leaseOwner: null });
    } finally {
      await running.close();
    }
  });

  it('lets staff read a job and refuses everyone else before the lookup', async () => {
    const database = databases[0]!.database;
    const { running, call } = await serve(database);
    try {
      const [job] = await database.dataSource.manager.find(JobEntity, { take: 1 });
      const read = (claims: Claims) => call<{ job: { id: string } | null }>(claims, 'query ($id: ID!) { job(id: $id) { id } }', { id: job!.id });
      expect((await read(manager)).data!.job).toEqual({ id: job!.id });
      expect((await call<{ job: null }>(manager, 'query ($id: ID!) { job(id: $id) { id } }', { id: newId() })).data!.job).toBeNull();
      for (const claims of [{ sub: 'p', role: 'partner', partnerId: PARTNERS[0] }, { sub: 'bi', role: 'bi' }] as Claims[]) {
        expect((await read(claims)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      }
      const denied = await call(manager, `mutation { computeStatements(period: "${QUARTER}") { id } }`);
      expect(denied.errors?.[0]?.extensions?.code, 'computing stays with vendor admins').toBe('FORBIDDEN');
    } finally {
      await running.close();
    }
  });

  it('resumes a stopped run after its last committed page and ends with the statements of an uninterrupted run', async () => {
    const database = await open('incentives_jobs_resume');
    let pages = 0;
    const first: Awaited<ReturnType<typeof serve>> = await serve(database, {
      afterPage: () => {
        pages += 1;
        // Stop (as a shutdown does) after two pages: the third never starts.
        if (pages === 2) void first.server.jobs.runner.stop();
      },
    });
    const { data } = await first.call<{ computeStatements: { id: string } }>(admin, `mutation { computeStatements(period: "${QUARTER}") { id } }`);
    const id = data!.computeStatements.id;
    await first.server.jobs.runner.settled(id);
    await first.running.close();

    // Stopped with the pages in flight committed (two at a time) and the rest left to do.
    const stopped = await database.dataSource.manager.findOneByOrFail(JobEntity, { id });
    const planned = await database.dataSource.manager.find(JobPageEntity, { where: { jobId: id }, order: { position: 'ASC' } });
    const pageKeys = Array.from({ length: Math.ceil(PARTNERS.length / PAGE) }, (_, i) => `PARTNER:${PARTNERS[Math.min(PARTNERS.length, (i + 1) * PAGE) - 1]}`);
    expect(planned.map((page) => page.pageKey)).toEqual(pageKeys);
    const donePayees = planned.filter((page) => page.doneAt !== null).reduce((sum, page) => sum + page.items, 0);
    expect(donePayees).toBeGreaterThanOrEqual(2 * PAGE);
    expect(donePayees).toBeLessThan(PARTNERS.length);
    expect(stopped).toMatchObject({ status: 'RUNNING', done: donePayees, total: PARTNERS.length, leaseOwner: null });
    expect(await database.dataSource.manager.countBy(StatementEntity, { period: QUARTER })).toBe(donePayees);

    // A new process picks the job up on start.
    const second = await serve(database);
    try {
      const finished = await waitFor(second.call, id);
      expect(finished).toMatchObject({ status: 'SUCCEEDED', progress: { done: PARTNERS.length, total: PARTNERS.length } });
      expect(await statementsOf(database)).toEqual(PRISTINE);
      // Committed pages were not done twice: one statement.computed event per statement.
      expect(await database.dataSource.manager.countBy(OutboxEntity, { type: 'statement.computed' })).toBe(PARTNERS.length);
    } finally {
      await second.running.close();
    }
  });

  it('shares a job\'s pages among instances through a Redis Streams consumer group', async () => {
    const database = await open('incentives_jobs_shared');
    const streamKey = `hub:test:job-pages:${newId()}`;
    const buses = [0, 1].map(() => new RedisStreamsBus({ redis: REDIS_URL, streamKey, consume: { batchSize: 1, blockMs: 200 } }));
    const done = [0, 0];
    const instances: { running: Awaited<ReturnType<typeof serve>>['running'] }[] = [];
    // One after the other: each seeds the rules on start.
    for (const [i, jobPages] of buses.entries()) {
      // A page takes a while here, so the other instance's consumer is served meanwhile.
      const afterPage = async () => {
        done[i]! += 1;
        await new Promise((resolve) => setTimeout(resolve, 100));
      };
      const server = await createIncentivesServer({ database, bus: new InProcessBus(), jobPages, gatewaySecret: SECRET, clock: fixedClock('2026-10-05T10:00:00Z'), statementsPageSize: PAGE, jobs: { afterPage } });
      instances.push({ running: await server.start(0, '127.0.0.1') });
    }
    const redis = new Redis(REDIS_URL);
    try {
      // Both consumers have joined the group before the pages are published.
      for (let i = 0; i < 100 && (await redis.xinfo('CONSUMERS', streamKey, 'incentives.job-pages').catch(() => []) as unknown[]).length < 2; i++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const call = subgraphClient(instances[0]!.running.url, SECRET);
      const { data } = await call<{ computeStatements: { id: string } }>(admin, `mutation { computeStatements(period: "${QUARTER}") { id } }`);
      const finished = await waitFor(call, data!.computeStatements.id);
      expect(finished).toMatchObject({ status: 'SUCCEEDED', progress: { done: PARTNERS.length, total: PARTNERS.length } });
      expect(done[0]! + done[1]!, 'each page done once').toBe(Math.ceil(PARTNERS.length / PAGE));
      expect(done.every((pages) => pages > 0), `pages done by each instance: ${done.join(', ')}`).toBe(true);
      expect(await statementsOf(database)).toEqual(PRISTINE);
    } finally {
      for (const { running } of instances) await running.close();
      await redis.del(streamKey);
      redis.disconnect();
      for (const bus of buses) await bus.close();
    }
  });
});
