import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from 'graphql-sse';
import { mintToken, signGatewayRequest } from '@hub/auth';
import { partnersSubgraph } from '@hub/partners';
import { post, startHub, type RunningHub } from './support/hub';
import { whoamiSubgraph } from './support/whoami-subgraph';

// Ids in the form partners and distributors get (claims with any other form are refused).
const P1 = '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a01';
const P2 = '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a02';
const partner = { sub: 'user-p1', role: 'partner', partnerId: P1 } as const;
const WHOAMI = '{ whoami { sub role partnerId distributorId } }';

describe('gateway', () => {
  let hub: RunningHub;
  let partnerToken: string;

  beforeAll(async () => {
    hub = await startHub([partnersSubgraph, whoamiSubgraph]);
    partnerToken = await hub.token(partner);
  });
  afterAll(() => hub?.close());

  it('answers a query planned over the partners subgraph', async () => {
    const admin = await hub.token({ sub: 'admin', role: 'vendor_admin' });
    const { status, json } = await post(hub.url, { query: '{ programs { code tiers { code } } }' }, admin);
    expect(status).toBe(200);
    expect(json.errors).toBeUndefined();
    const programs = (json.data as { programs: { code: string; tiers: { code: string }[] }[] }).programs;
    expect(programs.length).toBeGreaterThan(0);
    expect(programs.every((p) => p.tiers.length > 0)).toBe(true);
  });

  it('lets a partner token read its own partner and denies it another partner', async () => {
    const bi = await hub.token({ sub: 'bi', role: 'bi' });
    const list = await post(hub.url, { query: '{ partners(first: 2) { edges { node { id name } } } }' }, bi);
    const [own, other] = (list.json.data as { partners: { edges: { node: { id: string; name: string } }[] } }).partners.edges.map((e) => e.node);
    const token = await hub.token({ sub: 'user@own', role: 'partner', partnerId: own!.id });
    const query = 'query ($id: ID!) { partner(id: $id) { id name tier { code } } }';

    const mine = await post(hub.url, { query, variables: { id: own!.id } }, token);
    expect((mine.json.data as { partner: { name: string } }).partner.name).toBe(own!.name);

    const theirs = await post(hub.url, { query, variables: { id: other!.id } }, token);
    expect(theirs.json.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(JSON.stringify(theirs.json)).not.toContain(other!.name);

    const listed = await post(hub.url, { query: '{ partners(first: 50) { totalCount edges { node { id } } } }' }, token);
    expect(listed.json.data).toEqual({ partners: { totalCount: 1, edges: [{ node: { id: own!.id } }] } });
  });

  it('answers a query with a valid token and forwards the verified claims to the subgraph', async () => {
    const { status, json } = await post(hub.url, { query: WHOAMI }, partnerToken);
    expect(status).toBe(200);
    expect(json).toEqual({ data: { whoami: { sub: 'user-p1', role: 'partner', partnerId: P1, distributorId: null } } });
  });

  it('answers GET queries too', async () => {
    const response = await fetch(`${hub.url}?query=${encodeURIComponent(WHOAMI)}`, {
      headers: { authorization: `Bearer ${partnerToken}`, accept: 'application/json' },
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ data: { whoami: { sub: 'user-p1' } } });
  });

  it('refuses a request without a token with 401 UNAUTHENTICATED', async () => {
    const response = await fetch(hub.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: WHOAMI }) });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer');
    const body = (await response.json()) as { errors: { message: string; extensions: { code: string } }[] };
    expect(body.errors[0]?.extensions.code).toBe('UNAUTHENTICATED');
    expect(body.errors[0]?.message).toMatch(/bearer token/i);
  });

  it('refuses a token signed with another secret with 401 UNAUTHENTICATED', async () => {
    const forged = await mintToken({ sub: 'x', role: 'vendor_admin' }, { secret: 'not-the-gateway-jwt-secret-but-long-enough' });
    const { status, json } = await post(hub.url, { query: WHOAMI }, forged);
    expect(status).toBe(401);
    expect(json.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(json.data).toBeUndefined();
  });

  it('refuses a token whose claims are unusable (a partner without partnerId)', async () => {
    const { status, json } = await post(hub.url, { query: WHOAMI }, await hub.token({ sub: 'x', role: 'partner' }));
    expect(status).toBe(401);
    expect(json.errors?.[0]?.message).toMatch(/partnerId/);
  });

  it('leaves subgraphs unreachable without the gateway signature', async () => {
    const subgraphUrl = hub.subgraphs.find((s) => s.name === 'whoami')!.url;
    const body = JSON.stringify({ query: WHOAMI });
    const direct = await fetch(subgraphUrl, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${partnerToken}` }, body });
    expect(direct.status).toBe(401);
    const wrongSecret = signGatewayRequest({ secret: 'some-other-gateway-secret-0123456789', subgraph: 'whoami', claims: { sub: 'x', role: 'vendor_admin' }, body });
    const forged = await fetch(subgraphUrl, { method: 'POST', headers: { 'content-type': 'application/json', ...wrongSecret }, body });
    expect(forged.status).toBe(401);
  });

  it('never lets concurrent identical queries of different callers share one subgraph answer', async () => {
    const callers = [partner, { sub: 'user-p2', role: 'partner', partnerId: P2 } as const, { sub: 'admin', role: 'vendor_admin' } as const];
    const query = '{ whoami(delayMs: 150) { sub partnerId } }';
    const results = await Promise.all(callers.map(async (claims) => post(hub.url, { query }, await hub.token(claims))));
    expect(results.map((r) => r.json.data)).toEqual(callers.map((c) => ({ whoami: { sub: c.sub, partnerId: 'partnerId' in c ? c.partnerId : null } })));
  });

  it('streams results over server-sent events (graphql-sse, distinct connections)', async () => {
    const client = createClient({ url: hub.url, headers: { authorization: `Bearer ${partnerToken}` }, retryAttempts: 0 });
    try {
      const results: unknown[] = [];
      for await (const result of client.iterate({ query: WHOAMI })) results.push(result);
      expect(results).toEqual([{ data: { whoami: { sub: 'user-p1', role: 'partner', partnerId: P1, distributorId: null } } }]);
    } finally {
      client.dispose();
    }
  });

  it('refuses server-sent events without a token', async () => {
    const response = await fetch(hub.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({ query: WHOAMI }),
    });
    expect(response.status).toBe(401);
  });

  it('reports /healthz and /readyz', async () => {
    const health = await fetch(`${hub.origin}/healthz`);
    expect(health.status).toBe(200);
    const ready = await fetch(`${hub.origin}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ ready: true, degraded: false, subgraphs: { partners: 'ready', whoami: 'ready' } });
  });

  it('serves a GraphiQL page that loads nothing from another host and needs no token', async () => {
    const response = await fetch(hub.url, { headers: { accept: 'text/html' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/text\/html/);
    const html = await response.text();
    expect(html).toContain('renderYogaGraphiQL');
    const external = html.match(/<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)\s*=\s*["']?(?:https?:)?\/\/[^"'\s>]+/gi) ?? [];
    expect(external).toEqual([]);
    expect(html).not.toMatch(/@import\s+(url\()?["']?(https?:)?\/\//i);
  });
});

describe('gateway readiness', () => {
  it('stays ready while a subgraph is down, reporting it degraded; only /readyz?subgraphs=all then says 503', async () => {
    // Every gateway instance shares the subgraph's outage: unready, a load balancer would take
    // them all out, and the partial answers with them.
    const hub = await startHub([whoamiSubgraph]);
    try {
      await hub.subgraphs[0]!.close();
      const ready = await fetch(`${hub.origin}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({ ready: true, degraded: true, subgraphs: { whoami: expect.stringMatching(/unreachable/) } });
      const strict = await fetch(`${hub.origin}/readyz?subgraphs=all`);
      expect(strict.status).toBe(503);
      expect(await strict.json()).toMatchObject({ ready: false, degraded: true, subgraphs: { whoami: expect.stringMatching(/unreachable/) } });
    } finally {
      await hub.close();
    }
  });
});
