import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signGatewayRequest, type Claims } from '@hub/auth';
import { freePort, OwnRedisServer } from '@hub/testing';
import { setLogSink } from './log';
import { shareGatewayNonces, startSubgraphServer, type RunningSubgraph } from './subgraph-server';

const SECRET = 'subgraph-server-test-secret-of-32-bytes';
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const PARTNER_ID = '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b';
const admin: Claims = { sub: 'admin@vendor', role: 'vendor_admin' };

const typeDefs = parse('type Query { whoami: String, echo(value: String): String }');
const resolvers = {
  Query: {
    whoami: (_: unknown, __: unknown, context: { claims: Claims | null }) => (context.claims ? `${context.claims.sub}/${context.claims.role}` : null),
    echo: (_: unknown, args: { value?: string }) => args.value ?? null,
  },
};

function start(name: string): Promise<RunningSubgraph> {
  return startSubgraphServer(
    { name, schema: buildSubgraphSchema([{ typeDefs, resolvers: resolvers as never }]), gatewaySecret: SECRET, createContext: (claims) => ({ claims }) },
    0,
  );
}

interface Answer {
  status: number;
  json: { data?: Record<string, unknown>; errors?: { message: string; extensions?: { code?: string } }[] };
}

async function post(url: string, body: string, headers: Record<string, string> = {}): Promise<Answer> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  return { status: response.status, json: (await response.json()) as Answer['json'] };
}

const signedFor = (subgraph: string, body: string, claims: unknown = admin, nowSeconds?: number) =>
  ({ ...signGatewayRequest({ secret: SECRET, subgraph, claims: claims as Claims, body, nowSeconds }) }) as Record<string, string>;

describe('subgraph server edge', () => {
  let partners: RunningSubgraph;
  const whoami = JSON.stringify({ query: '{ whoami }' });

  beforeAll(async () => {
    partners = await start('partners');
  });
  afterAll(() => partners?.close());

  it('answers a signed request once and refuses the same request replayed', async () => {
    const headers = signedFor('partners', whoami);
    expect(await post(partners.url, whoami, headers)).toEqual({ status: 200, json: { data: { whoami: 'admin@vendor/vendor_admin' } } });
    const replayed = await post(partners.url, whoami, headers);
    expect(replayed.status).toBe(401);
    expect(replayed.json.errors?.[0]).toMatchObject({ message: 'gateway signature has already been used', extensions: { code: 'UNAUTHENTICATED' } });
  });

  it('refuses a request signed for deals, and one older than 60 s', async () => {
    const forDeals = await post(partners.url, whoami, signedFor('deals', whoami));
    expect(forDeals.status).toBe(401);
    expect(forDeals.json.errors?.[0]?.message).toMatch(/another subgraph/);
    const stale = await post(partners.url, whoami, signedFor('partners', whoami, admin, Math.floor(Date.now() / 1000) - 61));
    expect(stale.status).toBe(401);
    expect(stale.json.errors?.[0]?.message).toMatch(/expired/);
  });

  it.each([
    ['partner', 'partnerId'],
    ['distributor', 'distributorId'],
  ])('refuses signed %s claims whose %s is empty or missing', async (role, claim) => {
    for (const claims of [{ sub: 'u', role, [claim]: '' }, { sub: 'u', role }]) {
      const refused = await post(partners.url, whoami, signedFor('partners', whoami, claims));
      expect(refused.status).toBe(401);
      expect(refused.json.errors?.[0]).toMatchObject({ extensions: { code: 'UNAUTHENTICATED' }, message: expect.stringContaining(claim) });
    }
    const valid = await post(partners.url, whoami, signedFor('partners', whoami, { sub: 'u', role: 'partner', partnerId: PARTNER_ID }));
    expect(valid.json.data).toEqual({ whoami: 'u/partner' });
  });

  it('answers a body over 1 MB with a readable, coded 413 and stays healthy', async () => {
    const body = JSON.stringify({ query: '{ echo(value: $v) }', variables: { v: 'x'.repeat(1024 * 1024 + 1) } });
    const answer = await post(partners.url, body, signedFor('partners', body));
    expect(answer.status).toBe(413);
    expect(answer.json.errors?.[0]?.extensions?.code).toBe('PAYLOAD_TOO_LARGE');
    // Far beyond what is drained, the answer still arrives before the connection closes.
    const huge = 'x'.repeat(20 * 1024 * 1024);
    expect((await post(partners.url, huge)).status).toBe(413);
    const next = JSON.stringify({ query: '{ whoami }' });
    expect((await post(partners.url, next, signedFor('partners', next))).status).toBe(200);
  });

  it('refuses 5,000 nested braces in a query, in variables and in a GET with a coded 400, quickly', async () => {
    const deepQuery = JSON.stringify({ query: `{ whoami ${'{ a '.repeat(5000)}${'}'.repeat(5000)} }` });
    const deepVariables = `{"query":"{ whoami }","variables":{"v":${'['.repeat(5000)}${']'.repeat(5000)}}}`;
    const started = performance.now();
    for (const body of [deepQuery, deepVariables]) {
      const answer = await post(partners.url, body, signedFor('partners', body));
      expect(answer.status).toBe(400);
      expect(answer.json.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_REQUEST' }, message: expect.stringMatching(/nests deeper than 100 levels/) });
    }
    const search = `?query=${encodeURIComponent(`{${'{'.repeat(3000)}`)}`;
    const get = await fetch(`${partners.url}${search}`, { headers: { ...signedFor('partners', search), 'apollo-require-preflight': 'true' } });
    expect(get.status).toBe(400);
    expect(((await get.json()) as Answer['json']).errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it('lets ordinary nesting through: braces inside strings do not count', async () => {
    const body = JSON.stringify({ query: `{ echo(value: "${'{'.repeat(500)}") }` });
    expect(await post(partners.url, body, signedFor('partners', body))).toEqual({ status: 200, json: { data: { echo: '{'.repeat(500) } } });
  });
});

describe('gateway nonces shared through Redis', () => {
  it('refuses at one instance a request another instance already accepted', async () => {
    const close = await shareGatewayNonces(REDIS_URL);
    const [a, b] = await Promise.all([start('partners'), start('partners')]);
    const redis = new Redis(REDIS_URL);
    try {
      const body = JSON.stringify({ query: '{ whoami }' });
      const headers = signedFor('partners', body);
      expect((await post(a.url, body, headers)).status).toBe(200);
      const replayed = await post(b.url, body, headers);
      expect(replayed.status).toBe(401);
      expect(replayed.json.errors?.[0]?.message).toMatch(/already been used/);
      // Kept no longer than the signature could be accepted.
      const ttl = await redis.ttl(`hub:gateway-nonce:partners:${headers['x-hub-nonce']}`);
      expect(ttl).toBeGreaterThan(55);
      expect(ttl).toBeLessThanOrEqual(61);
    } finally {
      await Promise.all([a.close(), b.close()]);
      close();
      redis.disconnect();
    }
  });

  /** A redis:// URL nothing listens on: Redis as a process sees it while it is down. */
  const unreachableRedis = async () => `redis://127.0.0.1:${await freePort()}`;

  it('keeps serving while Redis is down, checking nonces in memory: a fresh request is answered, its replay refused', async () => {
    const close = await shareGatewayNonces(await unreachableRedis());
    const a = await start('partners');
    try {
      const body = JSON.stringify({ query: '{ whoami }' });
      const headers = signedFor('partners', body);
      expect(await post(a.url, body, headers)).toEqual({ status: 200, json: { data: { whoami: 'admin@vendor/vendor_admin' } } });
      const replayed = await post(a.url, body, headers);
      expect(replayed.status).toBe(401);
      expect(replayed.json.errors?.[0]?.message).toMatch(/already been used/);
    } finally {
      await a.close();
      close();
    }
  });

  it('answers within a second while a connected Redis hangs (stopped), then shares nonces through it again', async () => {
    const redis = await OwnRedisServer.start();
    const close = await shareGatewayNonces(redis.url);
    const [a, b] = await Promise.all([start('partners'), start('partners')]);
    const client = new Redis(redis.url);
    try {
      redis.freeze();
      const body = JSON.stringify({ query: '{ whoami }' });
      const started = performance.now();
      expect((await post(a.url, body, signedFor('partners', body))).status).toBe(200);
      expect(performance.now() - started).toBeLessThan(1_500);
      redis.thaw();
      // After a failed check Redis is asked again a second later.
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      const headers = signedFor('partners', body);
      expect((await post(a.url, body, headers)).status).toBe(200);
      expect((await post(b.url, body, headers)).status).toBe(401);
      expect(await client.exists(`hub:gateway-nonce:partners:${headers['x-hub-nonce']}`)).toBe(1);
    } finally {
      await Promise.all([a.close(), b.close()]);
      close();
      client.disconnect();
      await redis.remove();
    }
  });

  it('refuses signed requests as unavailable (retryable 503) while Redis is down when told to refuse', async () => {
    const close = await shareGatewayNonces(await unreachableRedis(), 'refuse');
    const a = await start('partners');
    try {
      const body = JSON.stringify({ query: '{ whoami }' });
      const answer = await post(a.url, body, signedFor('partners', body));
      expect(answer.status).toBe(503);
      expect(answer.json.errors?.[0]?.extensions?.code).toBe('SERVICE_UNAVAILABLE');
    } finally {
      await a.close();
      close();
    }
  });
});

describe('subgraph exports that fail part-way', () => {
  it('cut the connection and say why in the log, instead of ending silently', async () => {
    const lines: string[] = [];
    const previous = setLogSink((_level, line) => lines.push(line));
    const exporting = await startSubgraphServer(
      {
        name: 'deals',
        schema: buildSubgraphSchema([{ typeDefs, resolvers: resolvers as never }]),
        gatewaySecret: SECRET,
        createContext: (claims) => ({ claims }),
        exports: {
          // eslint-disable-next-line require-yield -- fails before its first row, after the 200 is committed
          deals: async function* () {
            throw new Error('the database went away');
          },
        },
      },
      0,
    );
    try {
      const search = '?dataset=deals&from=2026-Q1&to=2026-Q1';
      const headers = { ...signedFor('deals', search, { sub: 'bi', role: 'bi' }), 'x-request-id': 'export-that-fails' };
      await expect(fetch(new URL(`/exports${search}`, exporting.url), { headers }).then((response) => response.text())).rejects.toThrow();
      expect(lines.find((line) => line.includes('the database went away'))).toMatch(/export-that-fails/);
    } finally {
      setLogSink(previous);
      await exporting.close();
    }
  });
});
