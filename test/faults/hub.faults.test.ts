import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeCounts, dealLifecycle, DEAL_LINES, eventually, failed, percentile, portalQuery, prepareDemo, runLoad, sleep, type Demo } from './load';
import { startTopology, type Topology } from './topology';

/**
 * Faults an operator meets, on the hub as docker-compose runs it (separate processes, MariaDB,
 * Redis, NODE_ENV=production). Each test leaves every process running and ready for the next.
 * The figures each test measured go to the console (`--reporter=verbose` shows them) and to the
 * README's "What happens when…" section.
 */

// The gateway's per-subgraph timeout in this topology (SUBGRAPH_TIMEOUT_MS; the default is 10 s).
const SUBGRAPH_TIMEOUT_MS = 3_000;

// The gateway's bound on requests in flight here (default 256), so a test can exceed it with a few dozen clients.
const MAX_IN_FLIGHT = 16;

const report = (what: string, figures: Record<string, unknown>) => console.log(`[faults] ${what}: ${JSON.stringify(figures)}`);

describe('the hub as separate processes, under faults', () => {
  let topology: Topology;
  let demo: Demo;

  beforeAll(async () => {
    // A MariaDB of its own, as the database tests kill and freeze it.
    topology = await startTopology({ privateDatabase: true, envOf: { gateway: { SUBGRAPH_TIMEOUT_MS: String(SUBGRAPH_TIMEOUT_MS), MAX_IN_FLIGHT: String(MAX_IN_FLIGHT) } } });
    demo = await prepareDemo(topology);
  });
  afterAll(async () => {
    await topology?.close();
  });

  /** Every won deal's licences (one per line, once) and its payout fact in incentives (once, WON). */
  const checkNothingLost = async (wonDealIds: readonly string[]) => {
    const placeholders = wonDealIds.map(() => '?').join(',');
    const licences = await topology.sql<{ sourceDealId: string; n: number; lines: number }>(
      'licenses',
      `SELECT sourceDealId, COUNT(*) AS n, COUNT(DISTINCT sourceLine) AS \`lines\` FROM license WHERE sourceDealId IN (${placeholders}) GROUP BY sourceDealId`,
      [...wonDealIds],
    );
    const facts = await topology.sql<{ dealId: string; status: string }>('incentives', `SELECT dealId, status FROM deal_fact WHERE dealId IN (${placeholders})`, [...wonDealIds]);
    return {
      complete:
        licences.length === wonDealIds.length &&
        licences.every((row) => Number(row.n) === DEAL_LINES.length && Number(row.lines) === DEAL_LINES.length) &&
        facts.length === wonDealIds.length &&
        facts.every((fact) => fact.status === 'WON'),
      licences,
      facts,
    };
  };

  /** A previous test's outage may still hold the gateway's breaker for a subgraph open: start from whole answers. */
  const wholeAnswers = () => eventually('whole portal answers', async () => ((await portalQuery(topology.url, demo)).codes.length === 0 ? true : undefined), 30_000);

  /** How many of the deals have all their licences and a WON payout fact. */
  const completedOf = async (dealIds: readonly string[]) => {
    if (dealIds.length === 0) return 0;
    const placeholders = dealIds.map(() => '?').join(',');
    const licensed = await topology.sql<{ sourceDealId: string }>(
      'licenses',
      `SELECT sourceDealId FROM license WHERE sourceDealId IN (${placeholders}) GROUP BY sourceDealId HAVING COUNT(*) = ${DEAL_LINES.length}`,
      [...dealIds],
    );
    const facts = await topology.sql<{ dealId: string }>('incentives', `SELECT dealId FROM deal_fact WHERE status = 'WON' AND dealId IN (${placeholders})`, [...dealIds]);
    const withFact = new Set(facts.map((fact) => fact.dealId));
    return licensed.filter((row) => withFact.has(row.sourceDealId)).length;
  };

  it('loses no deal change while Redis is killed for 5 s and comes back empty', async () => {
    const wonDealIds: string[] = [];
    const load = runLoad(4, async () => {
      const lifecycle = await dealLifecycle(topology.url, demo, 15_000);
      if (lifecycle.wonDealId) wonDealIds.push(lifecycle.wonDealId);
      return lifecycle.outcomes;
    });
    await sleep(3_000);
    const wonBefore = wonDealIds.length;
    await topology.killRedis();
    const killedAt = Date.now();
    // Won deals whose licences or payout fact were not yet written: their events were in the outbox
    // or in the stream the restarted Redis no longer has.
    const wonAtKill = [...wonDealIds];
    const pendingAtKill = wonAtKill.length - (await completedOf(wonAtKill));
    await sleep(5_000);
    await topology.startRedis();
    const backAt = Date.now();
    // Clients reconnect within ~2 s (ioredis backs off up to 2 s); deals are won again after.
    await sleep(5_000);
    const outcomes = await load.stop();

    // Without Redis, the hub keeps serving: subgraphs check gateway nonces in memory, and deal
    // changes commit with their events held in the outbox.
    const duringOutage = outcomes.filter((o) => o.at >= killedAt && o.at < backAt);
    const wonDuringOutage = duringOutage.filter((o) => o.op === 'markDealWon' && !failed(o)).length;
    expect(wonDealIds.length).toBeGreaterThan(wonBefore);
    expect(wonDuringOutage).toBeGreaterThan(0);
    expect(duringOutage.filter(failed)).toEqual([]);
    const wonAfterReturn = outcomes.filter((o) => o.at >= backAt && o.op === 'markDealWon' && !failed(o)).length;
    expect(wonAfterReturn).toBeGreaterThan(0);

    const settled = await eventually('every won deal to reach licenses and incentives', async () => {
      const check = await checkNothingLost(wonDealIds);
      return check.complete ? check : undefined;
    }, 60_000, 250);
    expect(settled.licences).toHaveLength(wonDealIds.length);
    expect(settled.facts.map((fact) => fact.status)).toEqual(wonDealIds.map(() => 'WON'));
    report('redis killed 5 s', {
      wonDeals: wonDealIds.length,
      wonBeforeKill: wonAtKill.length,
      notYetFannedOutAtKill: pendingAtKill,
      wonDuringOutage,
      wonAfterReturn,
      requests: outcomes.length,
      failed: outcomes.filter(failed).length,
      errors: codeCounts(outcomes),
      caughtUpMsAfterRedisReturned: Date.now() - backAt,
    });
  });

  it('keeps serving, with bounded latency and nothing lost, while Redis hangs (SIGSTOP) for 5 s', async () => {
    // Needs Redis command timeouts everywhere a request waits on Redis: the gateway's rate-limit
    // counts, the subgraphs' nonce checks (then their memory fallback).
    const wonDealIds: string[] = [];
    const lifecycles = runLoad(3, async () => {
      const lifecycle = await dealLifecycle(topology.url, demo, 15_000);
      if (lifecycle.wonDealId) wonDealIds.push(lifecycle.wonDealId);
      return lifecycle.outcomes;
    });
    const readers = runLoad(2, () => portalQuery(topology.url, demo, 15_000));
    await sleep(2_000);
    topology.stop('redis');
    const frozenAt = Date.now();
    let thawedAt = 0;
    try {
      await sleep(5_000);
    } finally {
      topology.cont('redis');
      thawedAt = Date.now();
    }
    await sleep(3_000);
    const outcomes = [...(await lifecycles.stop()), ...(await readers.stop())];
    const duringHang = outcomes.filter((o) => o.at >= frozenAt && o.at < thawedAt);
    const settled = await eventually('every won deal to reach licenses and incentives', async () => {
      const check = await checkNothingLost(wonDealIds);
      return check.complete ? check : undefined;
    }, 60_000, 250);
    report('redis SIGSTOP 5 s', {
      requests: outcomes.length,
      duringHang: duringHang.length,
      failed: outcomes.filter(failed).length,
      errors: codeCounts(outcomes),
      p95MsDuringHang: percentile(duringHang.map((o) => o.latencyMs), 95),
      maxMsDuringHang: Math.max(...duringHang.map((o) => o.latencyMs)),
      wonDeals: wonDealIds.length,
      wonDuringHang: duringHang.filter((o) => o.op === 'markDealWon' && !failed(o)).length,
    });
    expect(outcomes.filter(failed)).toEqual([]);
    expect(duringHang.length).toBeGreaterThan(0);
    // A hung Redis costs a request at most one bounded wait per store, never the whole hang.
    expect(Math.max(...duringHang.map((o) => o.latencyMs))).toBeLessThan(3_000);
    expect(settled.licences).toHaveLength(wonDealIds.length);
  });

  it('answers the rest of a portal page within the gateway timeout while licenses hangs (SIGSTOP)', async () => {
    // Needs the gateway's per-subgraph timeout (SUBGRAPH_TIMEOUT_MS) and nullable Partner.licenses.
    const healthy = await portalQuery(topology.url, demo);
    expect(healthy.codes).toEqual([]);
    topology.stop('licenses');
    try {
      const hung = await portalQuery(topology.url, demo, SUBGRAPH_TIMEOUT_MS + 20_000);
      report('licenses SIGSTOP, portal query', { latencyMs: hung.latencyMs, status: hung.status, codes: hung.codes, paths: hung.paths, data: hung.data });
      expect(hung.latencyMs).toBeLessThan(SUBGRAPH_TIMEOUT_MS + 2_000);
      expect(hung.status).toBe(200);
      const partner = (hung.data as { partner: { name: string; licenses: unknown; standing: unknown } | null } | null)?.partner;
      // The partner's name (partners) and standing (incentives) survive; licences are null with an error saying which part is down.
      expect(partner?.name).toEqual(expect.any(String));
      expect(partner?.standing).not.toBeNull();
      expect(partner?.licenses).toBeNull();
      // The error sits on the entity the subgraph serves fields of (["partner"]), and names the part, never its address.
      expect(hung.errors?.map((e) => e.extensions)).toEqual([expect.objectContaining({ code: 'SUBGRAPH_UNAVAILABLE', subgraph: 'licenses', retryable: true, reason: 'TIMEOUT' })]);
      expect(JSON.stringify(hung.errors)).not.toContain('127.0.0.1');
    } finally {
      topology.cont('licenses');
    }
    await eventually('licenses to answer after SIGCONT', async () => ((await portalQuery(topology.url, demo)).codes.length === 0 ? true : undefined), 30_000);
  });

  it('recovers when a subgraph is killed under load and restarted, with partial answers meanwhile', async () => {
    const load = runLoad(4, () => portalQuery(topology.url, demo, 20_000));
    await sleep(2_000);
    const killedAt = Date.now();
    await topology.kill('licenses', 'SIGKILL');
    await sleep(3_000);
    const restartAt = Date.now();
    await topology.start('licenses');
    const readyAt = Date.now();
    // After its /readyz answers, the next portal query must be whole again.
    const recovered = await eventually('portal queries to answer whole again', async () => {
      const outcome = await portalQuery(topology.url, demo);
      return outcome.codes.length === 0 ? Date.now() : undefined;
    }, 30_000, 100);
    await sleep(1_000);
    const outcomes = await load.stop();
    const down = outcomes.filter((o) => o.at >= killedAt + 200 && o.at < restartAt);
    const afterRecovery = outcomes.filter((o) => o.at > recovered);
    report('licenses SIGKILL 3 s then restarted', {
      restartToReadyMs: readyAt - restartAt,
      killToWholeAnswersMs: recovered - killedAt,
      readyToWholeAnswersMs: recovered - readyAt,
      whileDown: { requests: down.length, p95Ms: percentile(down.map((o) => o.latencyMs), 0.95), errors: codeCounts(down) },
      afterRecovery: { requests: afterRecovery.length, failed: afterRecovery.filter(failed).length },
    });
    expect(recovered - readyAt).toBeLessThan(5_000);
    expect(afterRecovery.filter(failed)).toEqual([]);
    // While licenses was down, the gateway answered fast, and the partner's name survived.
    expect(down.length).toBeGreaterThan(0);
    expect(down.every((o) => o.status === 200 && (o.data as { partner?: { name?: string } } | null)?.partner?.name)).toBe(true);
    expect(down.every((o) => o.codes.every((code) => code === 'SUBGRAPH_UNAVAILABLE'))).toBe(true);
  });

  it('recovers from a database restart without a process restart, with retryable errors and nothing half-written', async () => {
    // Needs the subgraphs to answer a database outage with SERVICE_UNAVAILABLE (retryable), not INTERNAL_SERVER_ERROR.
    const pids = (['gateway', 'partners', 'deals', 'licenses', 'incentives'] as const).map((name) => topology.pid(name));
    const wonDealIds: string[] = [];
    const load = runLoad(4, async (worker) => {
      if (worker === 0) return portalQuery(topology.url, demo, 20_000);
      const lifecycle = await dealLifecycle(topology.url, demo, 20_000);
      if (lifecycle.wonDealId) wonDealIds.push(lifecycle.wonDealId);
      return lifecycle.outcomes;
    });
    await sleep(3_000);
    const killedAt = Date.now();
    await topology.kill('mariadb', 'SIGKILL');
    await sleep(3_000);
    await topology.startDatabase();
    const backAt = Date.now();
    const recoveredAt = await eventually('a deal to be won again after the restart', async () => {
      const lifecycle = await dealLifecycle(topology.url, demo, 20_000);
      if (lifecycle.wonDealId) wonDealIds.push(lifecycle.wonDealId);
      return lifecycle.wonDealId ? Date.now() : undefined;
    }, 60_000, 100);
    await sleep(1_000);
    const outcomes = await load.stop();
    const outage = outcomes.filter((o) => o.at >= killedAt && o.at < backAt);
    const outageErrors = codeCounts(outage.filter(failed));
    report('mariadb SIGKILL 3 s then restarted', {
      dbBackToDealWonMs: recoveredAt - backAt,
      killToDealWonMs: recoveredAt - killedAt,
      duringOutage: { requests: outage.length, p95Ms: percentile(outage.map((o) => o.latencyMs), 0.95), errors: outageErrors },
      wonDeals: wonDealIds.length,
    });
    // No process was restarted: their pools reconnected.
    expect((['gateway', 'partners', 'deals', 'licenses', 'incentives'] as const).map((name) => topology.pid(name))).toEqual(pids);
    // Nothing half-written: every deal kept has all its lines, and every won deal is fanned out whole.
    const partial = await topology.sql('deals', `SELECT d.id FROM deal d LEFT JOIN deal_line l ON l.dealId = d.id GROUP BY d.id HAVING COUNT(l.dealId) <> ${DEAL_LINES.length}`);
    expect(partial).toEqual([]);
    await eventually('every won deal to be fanned out after the restart', async () => ((await checkNothingLost(wonDealIds)).complete ? true : undefined), 60_000, 250);
    expect(recoveredAt - backAt).toBeLessThan(15_000);
    // What clients saw meanwhile says retry: the database's outage, or the subgraph's.
    expect(Object.keys(outageErrors).filter((code) => code !== 'SERVICE_UNAVAILABLE' && code !== 'SUBGRAPH_UNAVAILABLE')).toEqual([]);
  });

  it('answers /readyz within 1 s and queries within the gateway timeout while the database hangs (SIGSTOP)', async () => {
    // Needs bounded /readyz and database acquire/query timeouts in the subgraphs.
    topology.stop('mariadb');
    try {
      const readyStarted = Date.now();
      const ready = await fetch(`${topology.subgraphOrigins.deals}/readyz`, { signal: AbortSignal.timeout(10_000) }).then(
        (response) => response.status,
        () => 0,
      );
      const readyMs = Date.now() - readyStarted;
      const portal = await portalQuery(topology.url, demo, 30_000);
      report('mariadb SIGSTOP', { readyzStatus: ready, readyzMs: readyMs, portal: { latencyMs: portal.latencyMs, codes: portal.codes } });
      expect(ready).toBe(503);
      expect(readyMs).toBeLessThan(1_000);
      expect(portal.latencyMs).toBeLessThan(SUBGRAPH_TIMEOUT_MS + 2_000);
      expect(portal.codes.length).toBeGreaterThan(0);
      expect(portal.codes.filter((code) => code !== 'SERVICE_UNAVAILABLE' && code !== 'SUBGRAPH_UNAVAILABLE')).toEqual([]);
    } finally {
      topology.cont('mariadb');
    }
    await eventually('portal queries to answer whole after SIGCONT', async () => ((await portalQuery(topology.url, demo)).codes.length === 0 ? true : undefined), 60_000);
  });

  it('fails no accepted request when deals gets SIGTERM under a mutation load', async () => {
    // Needs deals to drain on SIGTERM (readiness 503 first, in-flight requests finished, keep-alive closed).
    const wonDealIds: string[] = [];
    const load = runLoad(6, async () => {
      const lifecycle = await dealLifecycle(topology.url, demo, 20_000);
      if (lifecycle.wonDealId) wonDealIds.push(lifecycle.wonDealId);
      return lifecycle.outcomes;
    });
    await sleep(3_000);
    const termAt = Date.now();
    await topology.kill('deals', 'SIGTERM');
    const exitedAt = Date.now();
    // What clients get while no deals runs.
    await sleep(1_500);
    const outcomes = await load.stop();
    const accepted = outcomes.filter((o) => o.at < termAt);
    // A request sent before SIGTERM was accepted by the gateway and forwarded to deals: it must have
    // been answered fully, not failed by the drain. Requests sent while deals is gone are refused
    // with SUBGRAPH_UNAVAILABLE (no deployment replaces it here), which a client may retry.
    const failedAccepted = accepted.filter(failed);
    const afterExit = outcomes.filter((o) => o.at >= exitedAt);
    report('deals SIGTERM under load', {
      exitMs: exitedAt - termAt,
      acceptedBeforeTerm: accepted.length,
      inFlightAtTerm: accepted.filter((o) => o.at + o.latencyMs > termAt).length,
      failedAccepted: failedAccepted.length,
      failedAcceptedCodes: codeCounts(failedAccepted),
      afterExit: { requests: afterExit.length, errors: codeCounts(afterExit) },
    });
    await topology.start('deals');
    expect(exitedAt - termAt).toBeLessThan(15_000);
    expect(failedAccepted).toEqual([]);
    expect(afterExit.every((o) => o.codes.every((code) => code === 'SUBGRAPH_UNAVAILABLE'))).toBe(true);
    // The deals won before the signal still reach licenses and incentives.
    await eventually('deals won before SIGTERM to be fanned out', async () => ((await checkNothingLost(wonDealIds)).complete ? true : undefined), 60_000, 250);
  });

  it('sheds load past MAX_IN_FLIGHT at once and serves everyone again when it drops', async () => {
    // Needs the gateway's in-flight bound (503 SERVICE_UNAVAILABLE, reason OVERLOADED, Retry-After).
    await wholeAnswers();
    const overload = runLoad(MAX_IN_FLIGHT * 4, () => portalQuery(topology.url, demo, 20_000));
    await sleep(6_000);
    const heavy = await overload.stop();
    const shed = heavy.filter((o) => o.status === 503);
    const served = heavy.filter((o) => o.status === 200);
    const calm = runLoad(4, () => portalQuery(topology.url, demo, 20_000));
    await sleep(3_000);
    const after = await calm.stop();
    report(`overload: ${MAX_IN_FLIGHT * 4} clients on MAX_IN_FLIGHT=${MAX_IN_FLIGHT}`, {
      requests: heavy.length,
      shed: shed.length,
      shedP95Ms: percentile(shed.map((o) => o.latencyMs), 0.95),
      served: served.length,
      servedP95Ms: percentile(served.map((o) => o.latencyMs), 0.95),
      others: codeCounts(heavy.filter((o) => o.status !== 503 && failed(o))),
      afterwards: { requests: after.length, failed: after.filter(failed).length, p95Ms: percentile(after.map((o) => o.latencyMs), 0.95) },
    });
    expect(shed.length).toBeGreaterThan(0);
    expect(shed.every((o) => o.codes.join() === 'SERVICE_UNAVAILABLE')).toBe(true);
    // Refused at once, not after waiting in a queue.
    expect(percentile(shed.map((o) => o.latencyMs), 0.95)).toBeLessThan(500);
    expect(heavy.filter((o) => o.status !== 503 && failed(o))).toEqual([]);
    expect(after.length).toBeGreaterThan(0);
    expect(after.filter(failed)).toEqual([]);
  });

  it('answers every request it accepted when the gateway gets SIGTERM under portal load', async () => {
    // Needs the gateway's drain: readiness 503 first, no new connection, requests in flight finished.
    await wholeAnswers();
    const load = runLoad(6, () => portalQuery(topology.url, demo, 20_000));
    await sleep(2_000);
    const termAt = Date.now();
    await topology.kill('gateway', 'SIGTERM');
    const exitedAt = Date.now();
    const outcomes = await load.stop();
    const accepted = outcomes.filter((o) => o.at < termAt);
    const after = outcomes.filter((o) => o.at >= termAt);
    report('gateway SIGTERM under load', {
      exitMs: exitedAt - termAt,
      acceptedBeforeTerm: accepted.length,
      inFlightAtTerm: accepted.filter((o) => o.at + o.latencyMs > termAt).length,
      failedAccepted: accepted.filter(failed).length,
      failedAcceptedCodes: codeCounts(accepted.filter(failed)),
      afterTerm: { requests: after.length, errors: codeCounts(after) },
    });
    await topology.start('gateway');
    expect(exitedAt - termAt).toBeLessThan(15_000);
    expect(accepted.filter(failed).map((o) => o.codes)).toEqual([]);
    // With no other gateway, a request sent after the signal is refused at connect (nothing half-answered).
    expect(after.filter(failed).every((o) => o.codes.join() === 'CONNECTION_FAILED' || o.status === 503)).toBe(true);
    expect((await portalQuery(topology.url, demo)).codes).toEqual([]);
  });
});
