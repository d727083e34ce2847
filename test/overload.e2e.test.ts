import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { partnersSubgraph } from '@hub/partners';
import { startHub, testEdgeConfig, type RunningHub } from './support/hub';

const MAX_IN_FLIGHT = 8;
const QUERY = '{ partners(first: 20) { totalCount edges { node { id name tier { code } } } } }';

interface Outcome {
  status: number;
  ms: number;
  retryAfter: string | null;
  code?: unknown;
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
};

describe('overload: the gateway sheds what it cannot serve at once', () => {
  let hub: RunningHub;
  let token: string;

  const call = async (): Promise<Outcome> => {
    const started = performance.now();
    const response = await fetch(hub.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: QUERY }),
    });
    const json = (await response.json()) as { errors?: { extensions?: { code?: unknown } }[] };
    return { status: response.status, ms: performance.now() - started, retryAfter: response.headers.get('retry-after'), code: json.errors?.[0]?.extensions?.code };
  };

  beforeAll(async () => {
    hub = await startHub([partnersSubgraph], { gateway: { edge: { ...testEdgeConfig(), maxInFlight: MAX_IN_FLIGHT } } });
    token = await hub.token({ sub: 'bi', role: 'bi' });
  });
  afterAll(() => hub?.close());

  it('answers 503 with Retry-After at once past MAX_IN_FLIGHT, keeps the accepted ones quick, and serves everything again once the load drops', async () => {
    // Sequentially, nothing is shed: the bound is on requests at once, not on a rate.
    for (let i = 0; i < 10; i++) expect((await call()).status).toBe(200);

    // Waves of many times the bound, all at once.
    const outcomes: Outcome[] = [];
    for (let wave = 0; wave < 5; wave++) outcomes.push(...(await Promise.all(Array.from({ length: MAX_IN_FLIGHT * 8 }, call))));
    const shed = outcomes.filter((o) => o.status === 503);
    const served = outcomes.filter((o) => o.status === 200);
    expect(shed.length + served.length).toBe(outcomes.length);
    expect(shed.length).toBeGreaterThan(0);
    expect(served.length).toBeGreaterThanOrEqual(MAX_IN_FLIGHT);
    for (const o of shed) {
      expect(o.retryAfter).toBe('1');
      expect(o.code).toBe('SERVICE_UNAVAILABLE');
    }
    // Generous bounds (2 shared cores): refusals do no work, and the accepted never queue behind more than the bound.
    expect(percentile(shed.map((o) => o.ms), 99)).toBeLessThan(2_000);
    expect(percentile(served.map((o) => o.ms), 99)).toBeLessThan(5_000);

    // Load gone: every request is served again.
    for (let i = 0; i < 10; i++) expect((await call()).status).toBe(200);
    console.info(
      `overload: ${outcomes.length} requests in waves of ${MAX_IN_FLIGHT * 8} with MAX_IN_FLIGHT=${MAX_IN_FLIGHT}: ${served.length} served (p50 ${percentile(served.map((o) => o.ms), 50).toFixed(0)} ms, p99 ${percentile(served.map((o) => o.ms), 99).toFixed(0)} ms), ${shed.length} shed (p99 ${percentile(shed.map((o) => o.ms), 99).toFixed(0)} ms)`,
    );
  });
});
