import autocannon from 'autocannon';
import { cpus } from 'node:os';
import { mintToken, signGatewayRequest, type Claims } from '@hub/auth';
import { createTestDatabase } from '@hub/testing';
import { startHubProcess } from './hub-process';
import { BENCH_GATEWAY_SECRET, BENCH_JWT_SECRET } from './secrets';

/**
 * The partner list query (first: 100, with tier, program, distributors, people) through the
 * gateway and straight to the partners subgraph: same subgraph process, same data, one run, so
 * the ratio shows what the gateway costs. Absolute figures depend on the machine.
 */
const DURATION_S = Number(process.env.BENCH_DURATION ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const reader: Claims = { sub: 'bench@bi', role: 'bi' };

// Distinct aliases make every variant a different query text, so no layer can answer one
// request from another's in-flight result: each request costs a full plan and execution.
const VARIANTS = Array.from(
  { length: 8 },
  (_, i) =>
    `query PartnerList${i} { list${i}: partners(first: 100) { totalCount edges { node { id name country
      tier { code name } program { code currency } distributors { id name } people { id name } } } } }`,
);

interface Figures {
  'requests/s': number;
  'p50 ms': number;
  'p99 ms': number;
  errors: number;
}

// The page a portal's partner directory shows: 50 partners with tier, program and distributors.
const PAGE_VARIANTS = Array.from(
  { length: 8 },
  (_, i) => `query PartnerPage${i} { page${i}: partners(first: 50) { edges { node { id name tier { code name } program { code name } distributors { id name } } } } }`,
);

async function load(url: string, headersFor: (body: string) => Record<string, string>, variants = VARIANTS): Promise<Figures> {
  // Headers are made per request: a subgraph accepts each gateway signature (nonce) once.
  const requests: autocannon.Request[] = variants.map((query) => {
    const body = JSON.stringify({ query });
    return { method: 'POST', setupRequest: (request) => ({ ...request, body, headers: { 'content-type': 'application/json', ...headersFor(body) } }) };
  });
  const run = (duration: number) => autocannon({ url, connections: CONNECTIONS, duration, requests });
  await run(2); // warm-up: JIT, plans, pools
  const result = await run(DURATION_S);
  return {
    'requests/s': result.requests.average,
    'p50 ms': result.latency.p50,
    'p99 ms': result.latency.p99,
    errors: result.errors + result.non2xx + result.timeouts,
  };
}

const signedFor = (body: string) => ({ ...signGatewayRequest({ secret: BENCH_GATEWAY_SECRET, subgraph: 'partners', claims: reader, body }) });

/**
 * The 50-partner page straight to the partners subgraph on the embedded SQLite data (about 200
 * partners), as `pnpm start` runs it: what the subgraph itself costs, with no gateway in front.
 */
export async function benchPartnerPage(): Promise<void> {
  const hub = await startHubProcess<{ subgraphUrl: string }>('partner-page.hub.ts', {});
  try {
    const body = JSON.stringify({ query: PAGE_VARIANTS[0] });
    const check = (await fetch(hub.urls.subgraphUrl, { method: 'POST', headers: { 'content-type': 'application/json', ...signedFor(body) }, body }).then((r) => r.json())) as {
      data?: { page0: { edges: unknown[] } };
      errors?: unknown;
    };
    if (check.data?.page0.edges.length !== 50) throw new Error(`expected 50 partners from the subgraph: ${JSON.stringify(check.errors)}`);
    const page = await load(hub.urls.subgraphUrl, signedFor, PAGE_VARIANTS);
    console.log(`\n50-partner page (tier, program, distributors) straight to the partners subgraph, embedded SQLite`);
    console.log(`${CONNECTIONS} connections, ${DURATION_S}s after a 2s warm-up; node ${process.version}, ${cpus().length} cores`);
    console.table({ 'direct to subgraph': page });
  } finally {
    await hub.stop();
  }
}

export async function benchPartnerList(): Promise<void> {
  const database = await createTestDatabase('bench');
  const hub = await startHubProcess<{ gatewayUrl: string; subgraphUrl: string }>('partner-list.hub.ts', { BENCH_DATABASE_URL: database.url }).catch(async (error: unknown) => {
    await database.drop();
    throw error;
  });
  try {
    const token = await mintToken(reader, { secret: BENCH_JWT_SECRET, expiresIn: '1h' });
    const check = (await fetch(hub.urls.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: VARIANTS[0] }),
    }).then((r) => r.json())) as { data?: { list0: { edges: unknown[] } }; errors?: unknown };
    if (check.data?.list0.edges.length !== 100) throw new Error(`expected 100 partners through the gateway: ${JSON.stringify(check.errors)}`);

    const viaGateway = await load(hub.urls.gatewayUrl, () => ({ authorization: `Bearer ${token}` }));
    const direct = await load(hub.urls.subgraphUrl, signedFor);

    console.log(`\npartner list (first: 100 with tier, program, distributors, people) on MariaDB`);
    console.log(`${CONNECTIONS} connections, ${DURATION_S}s per target after a 2s warm-up; node ${process.version}, ${cpus().length} cores`);
    console.table({ 'through gateway': viaGateway, 'direct to subgraph': direct });
    console.log(
      `gateway / direct: throughput ${(viaGateway['requests/s'] / direct['requests/s']).toFixed(2)}x, ` +
        `p99 latency ${(viaGateway['p99 ms'] / direct['p99 ms']).toFixed(2)}x`,
    );
  } finally {
    await hub.stop();
    await database.drop();
  }
}
