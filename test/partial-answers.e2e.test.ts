import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayOptions } from '@hub/gateway';
import { incentivesSubgraph } from '@hub/incentives';
import { licensesSubgraph } from '@hub/licenses';
import { partnersSubgraph } from '@hub/partners';
import { post, startHub, testEdgeConfig, type RunningHub } from './support/hub';
import { startToggleProxy, type ToggleProxy } from './support/toggle-proxy';

const LICENSES_TIMEOUT_MS = 1_000;
const COOL_DOWN_MS = 1_500;
const PARTNER_PAGE = 'query ($id: ID!) { partner(id: $id) { id name standing { asOf } licenses(first: 2) { totalCount } } }';

interface PartnerPage {
  partner: { id: string; name: string; standing: { asOf: string } | null; licenses: { totalCount: number } | null } | null;
}

// Both planners: the JS one exposed a wrapper that started its fetch a tick late (see upstream-resilience.ts).
describe.each(['rust', 'js'] as const)('a subgraph down or hung costs only its fields (%s planner)', (queryPlanner) => {
  let hub: RunningHub;
  let admin: string;
  let partnerId: string;
  const proxies = new Map<string, ToggleProxy>();
  const lines: { level: string; msg: string | null | undefined; attrs: unknown }[] = [];
  const logWriter: NonNullable<GatewayOptions['logWriter']> = { write: (level, attrs, msg) => void lines.push({ level, attrs, msg }) };
  const licenses = () => proxies.get('licenses')!;
  const page = () => post(hub.url, { query: PARTNER_PAGE, variables: { id: partnerId } }, admin);

  /** Mends licenses and waits out the breaker's cool-down until a page has its licences again. */
  async function heal(): Promise<void> {
    licenses().set('pass');
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      if ((await page()).json.errors === undefined) return;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error('licenses did not come back');
  }

  beforeAll(async () => {
    hub = await startHub([partnersSubgraph, licensesSubgraph, incentivesSubgraph], {
      subgraphUrl: async (name, url) => {
        const proxy = await startToggleProxy(url);
        proxies.set(name, proxy);
        return proxy.url;
      },
      gateway: {
        logging: 'warn',
        logWriter,
        queryPlanner,
        edge: {
          ...testEdgeConfig(),
          upstream: { timeoutMs: 10_000, timeouts: { licenses: LICENSES_TIMEOUT_MS }, breakerFailures: 3, breakerCoolDownMs: COOL_DOWN_MS, logIntervalMs: 60_000 },
        },
      },
    });
    admin = await hub.token({ sub: 'admin', role: 'vendor_admin' });
    const list = await post(hub.url, { query: '{ partners(first: 1) { edges { node { id } } } }' }, admin);
    partnerId = (list.json.data as { partners: { edges: { node: { id: string } }[] } }).partners.edges[0]!.node.id;
  });
  afterAll(async () => {
    await hub?.close();
    await Promise.all([...proxies.values()].map((proxy) => proxy.close()));
  });

  it('answers the partner page in full while every part is up', async () => {
    const { json } = await page();
    expect(json.errors).toBeUndefined();
    expect((json.data as PartnerPage).partner?.licenses).not.toBeNull();
  });

  it('keeps the name (partners) and the standing (incentives) when licenses refuses connections', async () => {
    licenses().set('refuse');
    const { status, json } = await page();
    expect(status).toBe(200);
    const partner = (json.data as PartnerPage).partner!;
    expect(partner.name).toEqual(expect.any(String));
    expect(partner.standing?.asOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(partner.licenses).toBeNull();
    expect(json.errors).toHaveLength(1);
    expect(json.errors![0]).toMatchObject({
      path: ['partner', 'licenses'],
      extensions: { code: 'SUBGRAPH_UNAVAILABLE', subgraph: 'licenses', retryable: true, reason: 'UNREACHABLE' },
    });
    // Neither the subgraph's address nor the transport's words reach the client.
    const text = JSON.stringify(json);
    expect(text).not.toMatch(/127\.0\.0\.1|localhost|ECONNREFUSED|ECONNRESET|socket|Unexpected error/i);
    expect(text).not.toContain(new URL(licenses().url).port);
  });

  it('answers SUBGRAPH_UNAVAILABLE (BAD_RESPONSE) when something in front of licenses answers an HTML 502', async () => {
    await heal();
    licenses().set('bad-gateway');
    const { json } = await page();
    expect((json.data as PartnerPage).partner?.name).toEqual(expect.any(String));
    expect((json.data as PartnerPage).partner?.licenses).toBeNull();
    expect(json.errors?.[0]).toMatchObject({ path: ['partner', 'licenses'], extensions: { code: 'SUBGRAPH_UNAVAILABLE', subgraph: 'licenses', reason: 'BAD_RESPONSE' } });
    expect(JSON.stringify(json)).not.toMatch(/html|502|Unexpected/i);
    licenses().set('refuse');
  });

  it('keeps a root list of another subgraph beside the one that is down', async () => {
    const { json } = await post(hub.url, { query: '{ partners(first: 1) { totalCount } licenses(first: 1) { totalCount } }' }, admin);
    const data = json.data as { partners: { totalCount: number } | null; licenses: unknown };
    expect(data.partners?.totalCount).toBeGreaterThan(0);
    expect(data.licenses).toBeNull();
    expect(json.errors?.[0]).toMatchObject({ path: ['licenses'], extensions: { code: 'SUBGRAPH_UNAVAILABLE', subgraph: 'licenses' } });
  });

  it('fails a subgraph that keeps failing fast (circuit open), then tries it again after the cool-down', async () => {
    licenses().set('refuse');
    for (let i = 0; i < 3; i++) await page();
    const started = performance.now();
    const open = await page();
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(open.json.errors?.[0]?.extensions).toMatchObject({ code: 'SUBGRAPH_UNAVAILABLE', subgraph: 'licenses', reason: 'CIRCUIT_OPEN' });
    const ready = await fetch(`${hub.origin}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ degraded: true, subgraphs: { licenses: expect.stringMatching(/unreachable, circuit open/) } });

    licenses().set('pass');
    // Still open within the cool-down, whatever the subgraph does meanwhile.
    expect((await page()).json.errors?.[0]?.extensions?.reason).toBe('CIRCUIT_OPEN');
    await new Promise((resolve) => setTimeout(resolve, COOL_DOWN_MS + 100));
    const closed = await page();
    expect(closed.json.errors).toBeUndefined();
    expect((closed.json.data as PartnerPage).partner?.licenses?.totalCount).toEqual(expect.any(Number));
    expect(lines.some((line) => /licenses failed fast/.test(line.msg ?? ''))).toBe(true);
    expect(lines.some((line) => /licenses answers again/.test(line.msg ?? ''))).toBe(true);
  });

  it('answers within the subgraph timeout when licenses hangs, and /readyz within a second naming it', async () => {
    await heal();
    licenses().set('hang');
    const started = performance.now();
    const { json } = await page();
    const took = performance.now() - started;
    expect(took).toBeGreaterThanOrEqual(LICENSES_TIMEOUT_MS - 50);
    expect(took).toBeLessThan(LICENSES_TIMEOUT_MS + 3_000);
    expect((json.data as PartnerPage).partner?.name).toEqual(expect.any(String));
    expect((json.data as PartnerPage).partner?.licenses).toBeNull();
    expect(json.errors?.[0]?.extensions).toMatchObject({ code: 'SUBGRAPH_UNAVAILABLE', subgraph: 'licenses', retryable: true, reason: 'TIMEOUT' });

    const readyStarted = performance.now();
    const ready = await fetch(`${hub.origin}/readyz?subgraphs=all`);
    expect(performance.now() - readyStarted).toBeLessThan(1_000);
    expect(ready.status).toBe(503);
    const readiness = (await ready.json()) as { subgraphs: Record<string, string> };
    expect(readiness.subgraphs).toMatchObject({ partners: 'ready', incentives: 'ready', licenses: expect.stringMatching(/timed out/) });
  });

  it('logs a failing subgraph once per interval with a count, not once per request', async () => {
    await heal();
    const before = lines.length;
    licenses().set('refuse');
    await Promise.all(Array.from({ length: 40 }, () => page()));
    const upstreamLines = lines.slice(before).filter((line) => /^\[upstream\]/.test(line.msg ?? ''));
    // One line for the failure kind (the first, at once), one for the breaker opening; the
    // repeats are counted into one line at the end of the interval.
    expect(upstreamLines.length).toBeGreaterThanOrEqual(1);
    expect(upstreamLines.length, JSON.stringify(upstreamLines)).toBeLessThanOrEqual(3);
    expect(lines.slice(before).length).toBeLessThanOrEqual(5);
    await heal();
  });
});
