import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setLogSink, startSubgraphServer, type LogSink, type SubgraphModule } from '@hub/graphql-kit';
import type { GatewayOptions } from '@hub/gateway';
import { partnersSubgraph } from '@hub/partners';
import { startHub, type RunningHub } from './support/hub';

/**
 * A subgraph with one field that fails the way a bug does (a plain Error), so the subgraph logs
 * a masked error line for the request that reached it.
 */
const PROBE_SDL = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@shareable"])
type Query { requestIdProbe: String }`;
const probeSchema = () => buildSubgraphSchema([{ typeDefs: parse(PROBE_SDL), resolvers: { Query: { requestIdProbe: () => { throw new Error('probe failed on purpose'); } } } as never }]);
const probeSubgraph: SubgraphModule = {
  name: 'probe',
  defaultPort: 0,
  buildSchema: async () => probeSchema(),
  seed: async () => 'probe: nothing to seed',
  start: async (options) => {
    const running = await startSubgraphServer({ name: 'probe', schema: probeSchema(), gatewaySecret: options.gatewaySecret, createContext: () => ({}) }, options.port);
    return { name: 'probe', url: running.url, close: () => running.close() };
  },
};

const RENAME = `mutation RenameForRequestId($id: ID!, $name: String!) { updatePartner(id: $id, input: { name: $name }) { id } }`;
const AUDIT = `query AuditByOperation($filter: AuditEventFilter) { auditEvents(filter: $filter, first: 50) { edges { node { requestId operation } } } }`;

interface Answer {
  requestId: string | null;
  json: { data?: Record<string, unknown>; errors?: { message: string; extensions?: Record<string, unknown> }[] };
}

describe('one request id from the gateway into the subgraphs (partners and a failing probe, embedded SQLite)', () => {
  let hub: RunningHub;
  let admin: string;
  let partnerId: string;
  const lines: string[] = [];
  const gatewayLines: { level: string; attrs: unknown; msg: string | null | undefined }[] = [];
  const gatewayWriter: NonNullable<GatewayOptions['logWriter']> = { write: (level, attrs, msg) => void gatewayLines.push({ level, attrs, msg }) };
  const gatewayLinesOf = (requestId: string) =>
    gatewayLines.filter((line) => (line.attrs as { requestId?: unknown } | null | undefined)?.requestId === requestId).map((line) => line.msg);
  let previousSink: LogSink;

  const send = async (body: { query: string; variables?: Record<string, unknown> }, headers: Record<string, string> = {}): Promise<Answer> => {
    const response = await fetch(hub.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', authorization: `Bearer ${admin}`, ...headers },
      body: JSON.stringify(body),
    });
    return { requestId: response.headers.get('x-request-id'), json: (await response.json()) as Answer['json'] };
  };
  const auditedRequestIds = async (operation: string) => {
    const answer = await send({ query: AUDIT, variables: { filter: { operation } } });
    expect(answer.json.errors).toBeUndefined();
    const events = (answer.json.data as { auditEvents: { edges: { node: { requestId: string | null } }[] } }).auditEvents.edges;
    return events.map((edge) => edge.node.requestId);
  };

  beforeAll(async () => {
    previousSink = setLogSink((_level, line) => lines.push(line));
    process.env.LOG_JSON = '1';
    hub = await startHub([partnersSubgraph, probeSubgraph], { gateway: { logging: 'warn', logWriter: gatewayWriter } });
    admin = await hub.token({ sub: 'request-id@vendor', role: 'vendor_admin' });
    const listed = await send({ query: '{ partners(first: 1) { edges { node { id } } } }' });
    partnerId = (listed.json.data as { partners: { edges: { node: { id: string } }[] } }).partners.edges[0]!.node.id;
  });
  afterAll(async () => {
    delete process.env.LOG_JSON;
    setLogSink(previousSink);
    await hub?.close();
  });

  it("answers the client's id, and the subgraph's masked-error log line (JSON) carries it", async () => {
    const answer = await send({ query: '{ requestIdProbe }' }, { 'x-request-id': 'test-123' });
    expect(answer.requestId).toBe('test-123');
    expect(answer.json.errors?.[0]?.extensions?.code).toBe('INTERNAL_SERVER_ERROR');
    const logged = lines.map((line) => JSON.parse(line) as Record<string, unknown>).filter((line) => line.requestId === 'test-123');
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ level: 'error', subgraph: 'probe', err: { name: 'Error', message: 'probe failed on purpose' } });
  });

  it("records the client's id on the subgraph's audit row of a mutation", async () => {
    const renamed = await send({ query: RENAME, variables: { id: partnerId, name: 'Renamed with test-123' } }, { 'x-request-id': 'test-123' });
    expect(renamed.json.errors).toBeUndefined();
    expect(renamed.requestId).toBe('test-123');
    expect(await auditedRequestIds('RenameForRequestId')).toEqual(['test-123']);
  });

  it('generates an id when the client sends none or an unsafe one, the same in the answer and the audit row', async () => {
    const first = await send({ query: RENAME.replace('RenameForRequestId', 'RenameWithoutId'), variables: { id: partnerId, name: 'Renamed without id' } });
    const second = await send(
      { query: RENAME.replace('RenameForRequestId', 'RenameWithUnsafeId'), variables: { id: partnerId, name: 'Renamed with unsafe id' } },
      { 'x-request-id': 'forged\tline {"level":"info"}' },
    );
    for (const answer of [first, second]) {
      expect(answer.json.errors).toBeUndefined();
      expect(answer.requestId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    }
    expect(first.requestId).not.toBe(second.requestId);
    expect(await auditedRequestIds('RenameWithoutId')).toEqual([first.requestId]);
    expect(await auditedRequestIds('RenameWithUnsafeId')).toEqual([second.requestId]);
  });

  it('answers the id on edge refusals too', async () => {
    const response = await fetch(hub.url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-request-id': 'refused-1' }, body: '{"query":"{ __typename }"}' });
    expect(response.status).toBe(401);
    expect(response.headers.get('x-request-id')).toBe('refused-1');
    expect(gatewayLinesOf('refused-1')).toEqual(['[edge] refused: unauthenticated request']);
  });

  it("tags the gateway's refusal line for a field a subgraph refused with the request's id", async () => {
    const partner = await hub.token({ sub: 'user@request-id-partner', role: 'partner', partnerId });
    const response = await fetch(hub.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${partner}`, 'x-request-id': 'refusal-7' },
      body: JSON.stringify({ query: AUDIT, variables: { filter: {} } }),
    });
    const json = (await response.json()) as Answer['json'];
    expect(json.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(response.headers.get('x-request-id')).toBe('refusal-7');
    expect(gatewayLinesOf('refusal-7')).toEqual(['[edge] refused']);
  });
});
