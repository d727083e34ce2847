import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatFootprint, formatWindow, runSoak, type SoakResult } from '../soak/soak';
import { failed } from './load';
import { startTopology, type Topology } from './topology';

/** `pnpm soak` for one minute: a mixed workload on the separate processes, no errors, memory and sockets bounded. */
describe('a one-minute soak of the hub as separate processes', () => {
  let topology: Topology;
  let result: SoakResult;

  beforeAll(async () => {
    topology = await startTopology({ inspect: true });
    result = await runSoak(topology, { durationMs: 60_000, warmUpMs: 10_000, subscribers: 10 });
    console.log(result.windows.map(formatWindow).join('\n'));
    console.log(['start:', ...result.start.map(formatFootprint), 'end:', ...result.end.map(formatFootprint)].join('\n'));
    console.log(`[soak] subscribers ${JSON.stringify(result.subscription)}`);
  });
  afterAll(async () => {
    await topology?.close();
  });

  it('answers every request of the mixed workload without an error', () => {
    expect(result.outcomes.length).toBeGreaterThan(500);
    for (const op of ['portal', 'registerDeal', 'markDealWon', 'submitUsageReport', 'computeStatements']) {
      expect(result.outcomes.some((o) => o.op === op && !failed(o)), op).toBe(true);
    }
    expect(result.outcomes.filter(failed).map((o) => ({ op: o.op, status: o.status, codes: o.codes }))).toEqual([]);
  });

  it('delivers live deal events to every subscriber without an error', () => {
    expect(result.subscription.errors).toBe(0);
    // Each won deal is three changes (registered, approved, won) sent to each of the subscribers.
    const changes = result.outcomes.filter((o) => ['registerDeal', 'approveDeal', 'markDealWon'].includes(o.op) && !failed(o)).length;
    expect(result.subscription.events).toBeGreaterThanOrEqual(changes * result.subscription.subscribers * 0.9);
  });

  it('keeps every process within bounded memory and sockets', () => {
    for (const end of result.end) {
      const start = result.start.find((s) => s.name === end.name)!;
      // A minute after warm-up: what survives a full GC growing beyond this means something is
      // kept per request (RSS also holds freed pages V8 has not returned, so its bound is looser).
      expect(start.heapAfterGcMb, `${end.name} heap after GC`).toBeGreaterThan(0);
      expect(end.heapAfterGcMb!, `${end.name} heap after GC`).toBeLessThan(start.heapAfterGcMb! * 1.25 + 10);
      expect(end.rssMb, `${end.name} rss`).toBeLessThan(start.rssMb * 1.5 + 50);
      expect(end.sockets, `${end.name} sockets`).toBeLessThan(start.sockets + 20);
    }
  });
});
