import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import { createClient } from 'graphql-ws';
import { Agent, request, type IncomingHttpHeaders } from 'node:http';
import WebSocket from 'ws';
import { describe, expect, it } from 'vitest';
import { signGatewayRequest, signSubscription, SUBSCRIPTION_AUTH_EXTENSION, type Claims } from '@hub/auth';
import { checkReadiness, SERVICE_RESTART_CLOSE_CODE, startSubgraphServer } from './subgraph-server';

const SECRET = 'subgraph-drain-test-secret-of-32-bytes!';
const admin: Claims = { sub: 'admin@vendor', role: 'vendor_admin' };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const typeDefs = parse(`
  type Query { ok: Boolean }
  type Mutation { work(ms: Int!): Int! }
  type Subscription { ticks: Int! }
`);
const resolvers = {
  Query: { ok: () => true },
  Mutation: { work: async (_: unknown, args: { ms: number }) => (await sleep(args.ms), args.ms) },
  Subscription: {
    ticks: {
      subscribe: async function* () {
        for (let i = 0; ; i += 1) {
          yield { ticks: i };
          await sleep(50);
        }
      },
    },
  },
};

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  json: { data?: Record<string, unknown> } & Record<string, unknown>;
}

/** One request over the agent's keep-alive connections. */
function send(agent: Agent, url: string, body?: string): Promise<Reply> {
  const signed = body === undefined ? {} : signGatewayRequest({ secret: SECRET, subgraph: 'partners', claims: admin, body });
  return new Promise((resolve, reject) => {
    const req = request(url, { method: body === undefined ? 'GET' : 'POST', agent, headers: { 'content-type': 'application/json', ...signed } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, json: JSON.parse(Buffer.concat(chunks).toString('utf8')) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

const start = (readiness?: () => Promise<void>) =>
  startSubgraphServer({ name: 'partners', schema: buildSubgraphSchema([{ typeDefs, resolvers: resolvers as never }]), gatewaySecret: SECRET, createContext: () => ({}), subscriptions: true, readiness }, 0);

describe('draining a subgraph server', () => {
  it('answers every request it accepted, refuses new ones at the TCP level, and says Connection: close meanwhile', async () => {
    const running = await start();
    const origin = new URL(running.url).origin;
    let taken = 0;
    running.server.on('request', () => (taken += 1));
    // Keep-alive connections, as the gateway's pool holds them.
    const agent = new Agent({ keepAlive: true, maxSockets: 64 });
    const outcomes: { status?: number; data?: unknown; closeHeader?: boolean; refused?: string }[] = [];
    let stop = false;
    const worker = async () => {
      while (!stop) {
        try {
          const reply = await send(agent, `${origin}/graphql`, JSON.stringify({ query: 'mutation { work(ms: 40) }' }));
          outcomes.push({ status: reply.status, data: reply.json.data, closeHeader: reply.headers.connection === 'close' });
        } catch (error) {
          outcomes.push({ refused: (error as { code?: string }).code ?? String(error) });
          await sleep(5);
        }
      }
    };
    const workers = Array.from({ length: 32 }, worker);
    // Under way, every worker's keep-alive connection open (slower when the machine is busy).
    for (const deadline = Date.now() + 10_000; outcomes.length < 100 && Date.now() < deadline; ) await sleep(20);
    const answeredBefore = outcomes.length;
    const closing = Date.now();
    await running.close();
    const closeMs = Date.now() - closing;
    await sleep(100);
    stop = true;
    await Promise.all(workers);
    agent.destroy();

    const answered = outcomes.filter((outcome) => outcome.status !== undefined);
    const refused = outcomes.filter((outcome) => outcome.refused !== undefined);
    console.log(`subgraph drain: ${answered.length} answered (${answeredBefore} before close), ${refused.length} refused, close took ${closeMs} ms`);
    expect(answeredBefore).toBeGreaterThanOrEqual(100);
    // Every request the server took got its whole answer…
    expect(answered.every((outcome) => outcome.status === 200 && (outcome.data as { work?: number })?.work === 40)).toBe(true);
    expect(answered).toHaveLength(taken);
    // …and what came after the listener closed was refused before it was taken: a new connection
    // refused, or reset by the kernel when it was still in the listener's backlog, unread.
    expect(refused.length).toBeGreaterThan(0);
    expect(refused.filter((outcome) => outcome.refused !== 'ECONNREFUSED' && outcome.refused !== 'ECONNRESET')).toEqual([]);
    // The answers given during the drain told their keep-alive client to go elsewhere.
    expect(answered.some((outcome) => outcome.closeHeader)).toBe(true);
    expect(closeMs).toBeLessThan(2_000);
  });

  it('ends subscriptions with 1012 (Service Restart) and goes unready at once', async () => {
    const running = await start();
    const closes: number[] = [];
    const ticks: number[] = [];
    const client = createClient({ url: running.url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, retryAttempts: 0, on: { closed: (event) => closes.push((event as { code: number }).code) } });
    const reading = (async () => {
      const iterator = client.iterate<{ ticks: number }>({
        query: 'subscription { ticks }',
        extensions: { [SUBSCRIPTION_AUTH_EXTENSION]: signSubscription({ secret: SECRET, subgraph: 'partners', claims: admin }) },
      });
      for await (const result of iterator) if (result.data) ticks.push(result.data.ticks);
    })().catch((error: unknown) => error);
    while (ticks.length < 3) await sleep(20);
    const closing = running.close();
    await closing;
    const ended = await reading;
    expect(closes).toEqual([SERVICE_RESTART_CLOSE_CODE]);
    expect((ended as { code?: number })?.code).toBe(SERVICE_RESTART_CLOSE_CODE);
    await client.dispose();
  });
});

describe('readiness', () => {
  it('answers within its bound when the check hangs, naming the part', async () => {
    const started = Date.now();
    const answer = await checkReadiness('deals', () => new Promise(() => undefined), 300);
    expect(Date.now() - started).toBeLessThan(600);
    expect(answer).toEqual({ status: 503, body: { status: 'unavailable', ready: false, subgraph: 'deals', database: 'timeout' } });
  });

  it('names a database that refuses connections without its address', async () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 10.0.0.9:3306'), { code: 'ECONNREFUSED' });
    const answer = await checkReadiness('deals', () => Promise.reject(refused));
    expect(answer).toEqual({ status: 503, body: { status: 'unavailable', ready: false, subgraph: 'deals', database: 'unreachable' } });
  });

  it('is 503 (draining) on /readyz for a check under way when close() starts', async () => {
    let release: () => void = () => undefined;
    const running = await start(() => new Promise<void>((resolve) => (release = resolve)));
    const agent = new Agent({ keepAlive: true });
    const probe = send(agent, `${new URL(running.url).origin}/readyz`);
    await sleep(100);
    const closing = running.close();
    release();
    const answer = await probe;
    expect(answer.status).toBe(503);
    expect(answer.json).toMatchObject({ ready: false, draining: true });
    await closing;
    agent.destroy();
  });
});
