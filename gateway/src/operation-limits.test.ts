import { readFileSync } from 'node:fs';
import { createGatewayRuntime, type GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { getIntrospectionQuery } from 'graphql';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_SUPERGRAPH_PATH } from './config';
import { loadEdgeConfig } from './edge-config';
import { DEFAULT_OPERATION_LIMITS, useOperationLimits } from './operation-limits';

/** Answers instead of calling subgraphs: these tests are about what is refused before that. */
const stopBeforeSubgraphs: GatewayPlugin = {
  onExecute: ({ setResultAndStopExecution }) => setResultAndStopExecution({ data: { reachedExecution: true } }),
  onSubscribe: ({ setResultAndStopExecution }) => setResultAndStopExecution({ data: { reachedExecution: true } }),
};

const runtime = createGatewayRuntime({
  supergraph: readFileSync(DEFAULT_SUPERGRAPH_PATH, 'utf8'),
  plugins: () => [...useOperationLimits(DEFAULT_OPERATION_LIMITS), stopBeforeSubgraphs],
  logging: false,
});
afterAll(() => runtime.dispose());

interface Answer {
  data?: { reachedExecution?: boolean } | null;
  errors?: { message: string; extensions?: { code?: string; limit?: string; max?: number; value?: number } }[];
}

async function send(query: string, variables?: Record<string, unknown>): Promise<Answer> {
  const response = await runtime.fetch('http://gateway/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as Answer;
}

/** What a partner portal's home page asks for: the partner, its standing, recent deals with quotes, licences and statements. */
const PORTAL_PAGE = /* GraphQL */ `
  query PortalHome($id: ID!) {
    partner(id: $id) {
      id name country status
      program { code name currency }
      tier { code name }
      distributors { id name }
      people { id name email certifications { specializationCode kind validUntil } }
      standing { asOf newBusinessRevenue { amount currency } renewalRevenue { amount currency } certifiedStaff qualifiedTier { code } nextTier { code } gapRevenue { amount currency } gapStaff }
      deals(first: 20) {
        totalCount
        edges {
          node {
            id status productLine seats registeredAt expiresAt
            endCustomer { name country }
            amount { amount currency }
            lines { sku seats unitPrice { amount currency } }
            priceQuote { listAmount { amount } netAmount { amount } discounts { rule amount { amount } } }
            payoutLines { rule ruleVersion base { amount } rate amount { amount } explanation }
          }
        }
        pageInfo { hasNextPage endCursor }
      }
      licenses(first: 20) { totalCount edges { node { id skuCode status startsOn endsOn } } }
      statements(first: 8) { edges { node { id period status total { amount currency } lines { rule amount { amount } explanation } } } }
    }
  }
`;

/** A BI pull: a full page of partners with their program, tier and distributors. */
const PARTNER_PAGE = /* GraphQL */ `
  query PartnerPage($after: String) {
    partners(first: 500, after: $after) {
      totalCount
      edges { cursor node { id name country status program { code } tier { code } distributors { id name } } }
      pageInfo { hasNextPage endCursor }
    }
  }
`;

const DEAL_FEED = /* GraphQL */ `
  subscription { dealUpdated { kind at deal { id status partner { id name } amount { amount currency } } } }
`;

describe('operation limits: what every real client sends gets through', () => {
  it.each([
    ['the portal home page', PORTAL_PAGE, { id: 'p1' }],
    ['a 500-partner BI page', PARTNER_PAGE, {}],
    ["GraphiQL's introspection query", getIntrospectionQuery({ descriptions: true, specifiedByUrl: true, inputValueDeprecation: true }), {}],
    ['the deal feed subscription', DEAL_FEED, {}],
  ])('%s', async (_name, query, variables) => {
    const answer = await send(query, variables);
    expect(answer.errors?.map((e) => e.extensions?.code) ?? []).not.toContain('QUERY_TOO_COMPLEX');
    expect(answer.errors ?? []).toEqual([]);
  });
});

/** `{ partners(first: 50) { edges { node { deals(first: 50) { edges { node { partner { … } } } } } } } }`, `levels` deep. */
function nestedLists(levels: number): string {
  let selection = 'id';
  for (let level = 0; level < levels; level += 1) selection = `id deals(first: 50) { edges { node { id partner { ${selection} } } } }`;
  return `{ partners(first: 50) { edges { node { ${selection} } } } }`;
}

describe('operation limits: abuse is refused before execution, naming the limit and the value', () => {
  const refusals: [string, () => string, string | string[]][] = [
    ['a deep query', () => `{ programs { ${'tiers { program { '.repeat(8)} code ${'} } '.repeat(8)} } }`, 'depth'],
    ['thousands of aliases of a paged list', () => `{ ${Array.from({ length: 3_000 }, (_, i) => `a${i}: partners { totalCount }`).join(' ')} }`, ['tokens', 'documentLength']],
    ['a few dozen aliases', () => `{ ${Array.from({ length: 40 }, (_, i) => `a${i}: programs { code }`).join(' ')} }`, 'aliases'],
    ['5,000 nested braces', () => `{ ${'a { '.repeat(5_000)}id${' }'.repeat(5_000)} }`, ['tokens', 'documentLength']],
    ['a 10 MB document', () => `{ programs { code } } # ${'x'.repeat(10 * 1024 * 1024)}`, 'documentLength'],
    ['many directives', () => `{ programs { code ${'@include(if: true) '.repeat(40)} } }`, 'directives'],
    ['a long document', () => `{ programs { code } } # ${'x'.repeat(30_000)}`, 'documentLength'],
    ['nested pages that multiply', () => nestedLists(2), 'cost'],
  ];

  it.each(refusals)('%s', async (_name, build, limit) => {
    const started = performance.now();
    const answer = await send(build());
    const elapsed = performance.now() - started;
    expect(answer.data?.reachedExecution).toBeUndefined();
    const extensions = answer.errors?.[0]?.extensions;
    expect(extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', max: expect.any(Number) });
    expect([limit].flat()).toContain(extensions?.limit);
    // The token count stops at the first token over the limit; every other limit reports what it found.
    if (extensions?.limit !== 'tokens') expect(extensions?.value).toBeGreaterThan(extensions?.max ?? 0);
    // Refused in milliseconds, not after the work (a generous budget for a loaded CI machine).
    expect(elapsed).toBeLessThan(1_000);
  });

  it('counts a page size given in a variable, and caps what it assumes at the largest page', async () => {
    const query = 'query($n: Int) { partners(first: $n) { edges { node { deals(first: $n) { edges { node { id partner { id } } } } } } } }';
    expect((await send(query, { n: 10 })).errors ?? []).toEqual([]);
    const refused = await send(query, { n: 400 });
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'cost' });
    const capped = await send(query, { n: 1_000_000 });
    // A million asked counts as the largest page, 500, at both levels: about 500 × 500 × 4 objects.
    expect(capped.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'cost' });
    expect(capped.errors?.[0]?.extensions?.value).toBeGreaterThan(500 * 500 * 3);
    expect(capped.errors?.[0]?.extensions?.value).toBeLessThan(500 * 500 * 5);
    // Costs are remembered per document and variables: the same document with a small page is
    // still let through, and the large one still refused.
    expect((await send(query, { n: 10 })).errors ?? []).toEqual([]);
    expect((await send(query, { n: 400 })).errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'cost' });
  });
});

describe('edge configuration', () => {
  it('reads every limit and rate from the environment, and refuses nonsense naming the variable', () => {
    const edge = loadEdgeConfig({ GRAPHQL_MAX_DEPTH: '8', GRAPHQL_MAX_COST: '1000', RATE_LIMIT: '50/1m', RATE_LIMIT_ROLES: 'bi=2000/10s', CORS_ORIGINS: 'https://portal.example, https://bi.example/' });
    expect(edge.limits).toMatchObject({ maxDepth: 8, maxCost: 1_000, maxAliases: DEFAULT_OPERATION_LIMITS.maxAliases });
    expect(edge.rateLimits).toEqual({ perCaller: { points: 50, durationSeconds: 60 }, perRole: { bi: { points: 2_000, durationSeconds: 10 } }, anonymous: { points: 100, durationSeconds: 10 } });
    expect(edge.corsOrigins).toEqual(['https://portal.example', 'https://bi.example']);
    expect(() => loadEdgeConfig({ GRAPHQL_MAX_DEPTH: '-1', RATE_LIMIT: 'fast', RATE_LIMIT_ROLES: 'root=1/1s' })).toThrow(
      /GRAPHQL_MAX_DEPTH[\s\S]*RATE_LIMIT[\s\S]*RATE_LIMIT_ROLES/,
    );
  });

  it('hides field suggestions in production unless switched on, and allows the own origins by default', () => {
    expect(loadEdgeConfig({ NODE_ENV: 'production' }).limits.blockFieldSuggestions).toBe(true);
    expect(loadEdgeConfig({ NODE_ENV: 'production', GRAPHQL_FIELD_SUGGESTIONS: 'true' }).limits.blockFieldSuggestions).toBe(false);
    expect(loadEdgeConfig({}).limits.blockFieldSuggestions).toBe(false);
    expect(loadEdgeConfig({}, ['http://localhost:4000']).corsOrigins).toEqual(['http://localhost:4000']);
  });
});
