import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient as createWsClient } from 'graphql-ws';
import { createClient as createSseClient } from 'graphql-sse';
import WebSocket from 'ws';
import { dealsSubgraph } from '@hub/deals';
import { partnersSubgraph } from '@hub/partners';
import { defaultEdgeConfig } from '@hub/gateway/edge-config';
import { post, startHub, testEdgeConfig, type RunningHub } from '../support/hub';
import { whoamiSubgraph } from '../support/whoami-subgraph';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const PORTAL = 'https://portal.example';

type Result = { data?: unknown; errors?: { message: string; extensions?: Record<string, unknown> }[] };

/** Collects a stream's results in the background; `ended` settles when the stream does. */
function collect(iterator: AsyncIterableIterator<Result>) {
  const items: Result[] = [];
  const ended = (async () => {
    for await (const item of iterator) items.push(item);
  })().then(
    () => 'completed',
    (error: unknown) => error,
  );
  return { items, ended, stop: () => iterator.return?.() };
}

const deepSubscription = `subscription { dealUpdated { deal { partner { program { ${'tiers { program { '.repeat(6)} code ${'} } '.repeat(6)} } } } } }`;

describe('the edge in front of partners and deals', () => {
  let hub: RunningHub;
  let admin: string;

  beforeAll(async () => {
    hub = await startHub([partnersSubgraph, dealsSubgraph], { gateway: { edge: { ...testEdgeConfig(), corsOrigins: [PORTAL] } } });
    admin = await hub.token({ sub: 'admin', role: 'vendor_admin' });
  });
  afterAll(() => hub?.close());

  const healthy = async () => {
    expect((await fetch(`${hub.origin}/healthz`)).status).toBe(200);
    expect((await post(hub.url, { query: '{ programs { code } }' }, admin)).json.errors).toBeUndefined();
  };

  it('refuses abusive documents over HTTP in milliseconds, naming the limit, and stays healthy', async () => {
    const abuse: [string, string][] = [
      [`{ programs { ${'tiers { program { '.repeat(8)} code ${'} } '.repeat(8)} } }`, 'depth'],
      [`{ ${Array.from({ length: 40 }, (_, i) => `a${i}: partners { totalCount }`).join(' ')} }`, 'aliases'],
      ['{ partners(first: 500) { edges { node { deals(first: 500) { edges { node { id partner { id } } } } } } } }', 'cost'],
      [`{ programs { code ${'@skip(if: false) '.repeat(50)} } }`, 'directives'],
    ];
    for (const [query, limit] of abuse) {
      const started = performance.now();
      const { json } = await post(hub.url, { query }, admin);
      expect(performance.now() - started).toBeLessThan(1_000);
      expect(json.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit });
      expect(json.data ?? null).toBeNull();
    }
    await healthy();
  });

  it('answers a body over the limit with a coded 413 before reading it', async () => {
    const response = await fetch(hub.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` },
      body: JSON.stringify({ query: `{ programs { code } } # ${'x'.repeat(10 * 1024 * 1024)}` }),
    });
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ errors: [{ extensions: { code: 'PAYLOAD_TOO_LARGE' } }] });
    await healthy();
  });

  it('refuses an abusive subscription over graphql-ws and SSE alike', async () => {
    const ws = createWsClient({ url: hub.url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, connectionParams: { Authorization: `Bearer ${admin}` }, retryAttempts: 0 });
    const sse = createSseClient({ url: hub.url, headers: { authorization: `Bearer ${admin}` }, retryAttempts: 0 });
    try {
      for (const client of [ws, sse]) {
        const stream = collect(client.iterate({ query: deepSubscription }) as AsyncIterableIterator<Result>);
        const outcome = await stream.ended;
        // graphql-ws rejects the iterator with the errors; SSE delivers them as a result.
        const errors = outcome === 'completed' ? stream.items.flatMap((item) => item.errors ?? []) : (outcome as Result['errors']);
        expect(errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'depth' });
      }
    } finally {
      await ws.dispose();
      sse.dispose();
    }
  });

  it('answers a variable that cannot be coerced with BAD_USER_INPUT naming it', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ first: 'ten' }, 'first'],
      [{ first: 1.5 }, 'first'],
      [{ first: 2 ** 40 }, 'first'],
      [{ filter: { programCode: ['FR-2023'] } }, 'filter'],
      [{ filter: { unknownField: 1 } }, 'filter'],
    ];
    for (const [variables, field] of cases) {
      const { json } = await post(hub.url, { query: 'query($first: Int, $filter: PartnerFilter) { partners(first: $first, filter: $filter) { totalCount } }', variables }, admin);
      expect(json.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
    const missing = await post(hub.url, { query: 'query($id: ID!) { partner(id: $id) { name } }' }, admin);
    expect(missing.json.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });
  });

  it('ends graphql-ws and SSE subscriptions when their token expires', async () => {
    const shortLived = await import('@hub/auth').then(({ mintToken }) => mintToken({ sub: 'short', role: 'vendor_admin' }, { secret: 'e2e-jwt-secret-at-least-32-characters-long', expiresIn: '3s' }));
    const query = 'subscription { dealUpdated { id kind } }';
    const ws = createWsClient({ url: hub.url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, connectionParams: { Authorization: `Bearer ${shortLived}` }, retryAttempts: 0 });
    const sse = createSseClient({ url: hub.url, headers: { authorization: `Bearer ${shortLived}` }, retryAttempts: 0 });
    const viaWs = collect(ws.iterate({ query }) as AsyncIterableIterator<Result>);
    const viaSse = collect(sse.iterate({ query }) as AsyncIterableIterator<Result>);
    try {
      const deadline = new Promise((resolve) => setTimeout(() => resolve('still open'), 10_000));
      const [wsOutcome, sseOutcome] = await Promise.all([Promise.race([viaWs.ended, deadline]), Promise.race([viaSse.ended, deadline])]);
      expect(wsOutcome).not.toBe('still open');
      expect(sseOutcome).not.toBe('still open');
      for (const stream of [viaWs, viaSse]) {
        expect(stream.items.flatMap((item) => item.errors ?? [])).toEqual([expect.objectContaining({ extensions: { code: 'UNAUTHENTICATED' } })]);
      }
    } finally {
      await ws.dispose();
      sse.dispose();
    }
  });

  it('answers browsers from allowed origins only, 401s included, with security headers', async () => {
    const preflight = await fetch(hub.url, {
      method: 'OPTIONS',
      headers: { origin: PORTAL, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(PORTAL);
    expect(preflight.headers.get('access-control-allow-credentials')).toBe('true');

    const stranger = await fetch(hub.url, { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
    expect(stranger.headers.get('access-control-allow-origin')).toBeNull();

    const unauthenticated = await fetch(hub.url, { method: 'POST', headers: { origin: PORTAL, 'content-type': 'application/json' }, body: '{"query":"{ programs { code } }"}' });
    expect(unauthenticated.status).toBe(401);
    expect(unauthenticated.headers.get('access-control-allow-origin')).toBe(PORTAL);
    for (const response of [preflight, unauthenticated]) {
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('x-frame-options')).toBe('DENY');
      expect(response.headers.get('referrer-policy')).toBe('no-referrer');
      expect(response.headers.get('strict-transport-security')).toBeNull();
    }
  });

  it('serves a small IDE page whose assets are same-origin, compressed and cached for good', async () => {
    const page = await fetch(hub.url, { headers: { accept: 'text/html', 'accept-encoding': 'identity' } });
    const html = await page.text();
    expect(page.status).toBe(200);
    expect(Buffer.byteLength(html)).toBeLessThan(512 * 1024);
    const assets = [...html.matchAll(/(?:src|href)="(\/ide-assets\/[^"]+)"/g)].map((match) => match[1]!);
    expect(assets.length).toBeGreaterThanOrEqual(3);
    for (const asset of assets) {
      const response = await fetch(`${hub.origin}${asset}`, { headers: { 'accept-encoding': 'br, gzip' } });
      expect(response.status).toBe(200);
      expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect(response.headers.get('content-encoding')).toBe('br');
      const again = await fetch(`${hub.origin}${asset}`, { headers: { 'if-none-match': response.headers.get('etag')! } });
      expect(again.status).toBe(304);
    }
  });
});

describe('rate limits', () => {
  const limited = () => ({ ...defaultEdgeConfig(), rateLimits: { perCaller: { points: 20, durationSeconds: 30 }, perRole: { bi: { points: 40, durationSeconds: 30 } }, anonymous: { points: 10, durationSeconds: 30 } } });

  const burst = (url: string, count: number, token?: string) =>
    Promise.all(
      Array.from({ length: count }, () =>
        fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
          body: JSON.stringify({ query: '{ whoami { sub } }' }),
        }),
      ),
    );

  const statuses = (responses: Response[]) => responses.reduce<Record<number, number>>((count, r) => ({ ...count, [r.status]: (count[r.status] ?? 0) + 1 }), {});

  it('refuses a runaway caller with 429 and Retry-After while others are served, per role and per address', async () => {
    const hub = await startHub([whoamiSubgraph], { gateway: { edge: limited() } });
    try {
      const runaway = await hub.token({ sub: `script-${randomUUID()}`, role: 'partner', partnerId: 'a7f3c2d1-0000-4000-8000-000000000001' });
      const bystander = await hub.token({ sub: `person-${randomUUID()}`, role: 'partner', partnerId: 'a7f3c2d1-0000-4000-8000-000000000002' });
      const analyst = await hub.token({ sub: `bi-${randomUUID()}`, role: 'bi' });
      const [fromRunaway, fromBystander, fromAnalyst] = await Promise.all([burst(hub.url, 60, runaway), burst(hub.url, 5, bystander), burst(hub.url, 45, analyst)]);
      expect(statuses(fromRunaway)).toEqual({ 200: 20, 429: 40 });
      expect(statuses(fromBystander)).toEqual({ 200: 5 });
      expect(statuses(fromAnalyst)).toEqual({ 200: 40, 429: 5 });
      const refused = fromRunaway.find((r) => r.status === 429)!;
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(await refused.json()).toMatchObject({ errors: [{ extensions: { code: 'RATE_LIMITED' } }] });

      const anonymous = await burst(hub.url, 15);
      expect(statuses(anonymous)).toEqual({ 401: 10, 429: 5 });
    } finally {
      await hub.close();
    }
  });

  it('shares one budget per caller between gateways through Redis', async () => {
    const first = await startHub([whoamiSubgraph], { gateway: { edge: limited(), redisUrl: REDIS_URL } });
    const second = await startHub([whoamiSubgraph], { gateway: { edge: limited(), redisUrl: REDIS_URL } });
    try {
      const token = await first.token({ sub: `shared-${randomUUID()}`, role: 'vendor_admin' });
      const [a, b] = await Promise.all([burst(first.url, 15, token), burst(second.url, 15, token)]);
      const served = [...a, ...b].filter((r) => r.status === 200).length;
      expect(served).toBe(20);
    } finally {
      await first.close();
      await second.close();
    }
  });
});

describe('production mode', () => {
  it('serves no IDE, answers no introspection, suggests no field names and sends HSTS', async () => {
    const production = defaultEdgeConfig({ production: true, limits: { ...defaultEdgeConfig().limits, blockFieldSuggestions: true } });
    const hub = await startHub([whoamiSubgraph], { gateway: { edge: { ...production, rateLimits: testEdgeConfig().rateLimits }, ide: false, introspection: false } });
    try {
      const token = await hub.token({ sub: 'admin', role: 'vendor_admin' });
      const page = await fetch(hub.url, { headers: { accept: 'text/html' } });
      expect(page.status).toBe(401);
      expect(page.headers.get('strict-transport-security')).toMatch(/max-age=31536000/);
      const introspection = await post(hub.url, { query: '{ __schema { types { name } } }' }, token);
      expect(introspection.json.data ?? null).toBeNull();
      expect(introspection.json.errors?.length).toBeGreaterThan(0);
      const typo = await post(hub.url, { query: '{ whoam { sub } }' }, token);
      expect(JSON.stringify(typo.json.errors)).not.toMatch(/Did you mean/);
    } finally {
      await hub.close();
    }
  });
});
