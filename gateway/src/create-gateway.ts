import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  createGatewayRuntime,
  getGraphQLWSOptions,
  type GatewayPlugin,
  type GatewayRuntime,
  type LogLevel,
  type TransportEntryAdditions,
} from '@graphql-hive/gateway-runtime';
import { renderGraphiQL } from '@graphql-yoga/render-graphiql';
import { useServer, type Extra } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { bearerToken, type Claims, type JwtVerifier } from '@hub/auth';
import { useSignedSubgraphRequests, useSignedSubscriptions } from './subgraph-signing';

export const GRAPHQL_PATH = '/graphql';

export interface SubgraphRoute {
  name: string;
  /** The subgraph's GraphQL endpoint; replaces the URL composed into the supergraph. */
  url: string;
  /** The subgraph serves subscriptions over graphql-ws on /graphql (as Apollo Server subgraphs do). */
  subscriptions?: boolean;
}

export interface GatewayOptions {
  supergraphSdl: string;
  subgraphs: readonly SubgraphRoute[];
  verifyToken: JwtVerifier;
  gatewaySecret: string;
  logging?: boolean | LogLevel;
}

/** What the gateway adds to every operation's context: the caller, verified once here. */
export interface HubContext {
  claims?: Claims;
}

export interface Gateway {
  server: Server;
  runtime: GatewayRuntime<HubContext>;
  /** Starts listening and returns the GraphQL endpoint's URL. */
  listen(port: number, host?: string): Promise<string>;
  /** Stops taking requests, lets in-flight ones finish (briefly), then releases the runtime. */
  close(): Promise<void>;
}

const IDE_HEADERS = JSON.stringify({ Authorization: 'Bearer <paste the output of: pnpm -s token --role vendor_admin>' }, null, 2);
const IDE_QUERY = '# Paste a token into the Authorization header below, then run:\n{\n  programs {\n    code\n    name\n  }\n}\n';
const CLOSE_GRACE_MS = 5_000;

export function createGateway(options: GatewayOptions): Gateway {
  const runtime = createGatewayRuntime<HubContext>({
    // The supergraph comes from composition, never from introspecting subgraphs: every request
    // the gateway sends to a subgraph is a signed operation on behalf of a caller.
    supergraph: options.supergraphSdl,
    transportEntries: transportEntries(options.subgraphs),
    plugins: () => [useSignedSubgraphRequests(options.gatewaySecret), useSignedSubscriptions(options.gatewaySecret)],
    // Yoga's default GraphiQL loads its scripts from a CDN; this one has every asset inlined.
    renderGraphiQL,
    graphiql: {
      title: 'Partner program hub',
      defaultQuery: IDE_QUERY,
      headers: IDE_HEADERS,
      defaultHeaders: IDE_HEADERS,
      defaultEditorToolsVisibility: 'headers',
    },
    landingPage: false,
    logging: options.logging ?? true,
  });

  const server = createServer((req, res) => {
    route(req, res).catch((error: unknown) => {
      runtime.logger.error(error);
      if (res.headersSent) res.end();
      else sendJson(res, 500, { errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });
    });
  });

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { pathname } = new URL(req.url ?? '/', 'http://gateway');
    if (pathname === '/healthz') return sendJson(res, 200, { status: 'ok' });
    if (pathname === '/readyz') {
      const readiness = await checkReadiness(runtime, options.subgraphs);
      return sendJson(res, readiness.ready ? 200 : 503, readiness);
    }
    if (pathname !== GRAPHQL_PATH) return sendJson(res, 404, { errors: [{ message: 'Not found', extensions: { code: 'NOT_FOUND' } }] });
    // The IDE page and CORS preflights execute nothing; the user pastes a token into the IDE.
    if (rendersIde(req) || req.method === 'OPTIONS') return runtime.handle(req, res);
    const auth = await authenticate(options.verifyToken, req.headers.authorization);
    if ('error' in auth) return sendUnauthenticated(res, auth.error);
    return runtime.handle(req, res, { claims: auth.claims });
  }

  const stopWebSockets = serveGraphQLOverWebSocket(server, runtime, options.verifyToken);

  return {
    server,
    runtime,
    listen: async (port, host = '127.0.0.1') => {
      // Load the supergraph before taking traffic: a broken one fails here, not on a request, and
      // graphql-ws operations (which skip the HTTP request hooks that load it lazily) find it ready.
      await runtime.getSchema();
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          const shown = host === '0.0.0.0' || host === '::' ? 'localhost' : host;
          resolve(`http://${shown}:${(server.address() as AddressInfo).port}${GRAPHQL_PATH}`);
        });
      });
    },
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const fuse = setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS);
      await stopWebSockets();
      await closed;
      clearTimeout(fuse);
      await runtime.dispose();
    },
  };
}

/**
 * Sets each subgraph's location and transport. Hive Gateway normally merges identical in-flight
 * subgraph queries, keyed by URL and body and decided before `onFetch` adds the caller's signed
 * claims: two partners sending the same query at the same moment would both get the answer
 * computed for one of them. Subgraphs answer per caller, so that merging is switched off.
 * (The entries end up as schema directives, so they hold only plain data, no functions.)
 */
function transportEntries(subgraphs: readonly SubgraphRoute[]): TransportEntryAdditions {
  return Object.fromEntries(
    subgraphs.map((subgraph) => [
      subgraph.name,
      {
        location: subgraph.url,
        options: {
          deduplicateInflightRequests: false,
          ...(subgraph.subscriptions ? { subscriptions: { kind: 'ws', location: GRAPHQL_PATH } } : {}),
        },
      },
    ]),
  );
}

type AuthResult = { claims: Claims } | { error: string };

async function authenticate(verify: JwtVerifier, authorization: unknown): Promise<AuthResult> {
  const token = typeof authorization === 'string' ? bearerToken(authorization) : undefined;
  if (!token) return { error: 'Missing bearer token: send the header `Authorization: Bearer <jwt>`' };
  try {
    return { claims: await verify(token) };
  } catch (error) {
    return { error: error instanceof Error ? error.message : 'invalid token' };
  }
}

/** Mirrors Yoga's own test (`shouldRenderGraphiQL`), so nothing else skips authentication. */
function rendersIde(req: IncomingMessage): boolean {
  return req.method === 'GET' && (req.headers.accept ?? '').includes('text/html');
}

function sendJson(res: ServerResponse, status: number, payload: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(payload));
}

function sendUnauthenticated(res: ServerResponse, message: string): void {
  sendJson(res, 401, { errors: [{ message, extensions: { code: 'UNAUTHENTICATED' } }] }, { 'www-authenticate': 'Bearer' });
}

interface Readiness {
  ready: boolean;
  subgraphs: Record<string, string>;
}

/** Ready when the supergraph is loaded and every subgraph's own /readyz answers 200. */
async function checkReadiness(runtime: GatewayRuntime<HubContext>, subgraphs: readonly SubgraphRoute[]): Promise<Readiness> {
  const checks = await Promise.all(
    subgraphs.map(async (subgraph): Promise<[string, string]> => {
      try {
        const response = await fetch(new URL('/readyz', subgraph.url), { signal: AbortSignal.timeout(2_000) });
        await response.body?.cancel();
        return [subgraph.name, response.ok ? 'ready' : `unavailable (HTTP ${response.status})`];
      } catch (error) {
        return [subgraph.name, `unreachable (${(error as Error).message})`];
      }
    }),
  );
  const schemaLoaded = await Promise.resolve(runtime.getSchema()).then(
    (schema) => schema !== undefined,
    () => false,
  );
  return { ready: schemaLoaded && checks.every(([, state]) => state === 'ready'), subgraphs: Object.fromEntries(checks) };
}

type WsExtra = Extra & { claims?: Claims };

/**
 * graphql-ws on the same port and path, wired to the runtime as the Hive Gateway CLI does
 * (`getGraphQLWSOptions`). The token comes from `connectionParams.Authorization` (or
 * `authorization`); a connection without a valid one is closed with 4401 before any operation.
 */
function serveGraphQLOverWebSocket(server: Server, runtime: GatewayRuntime<HubContext>, verify: JwtVerifier): () => Promise<void> {
  const wsServer = new WebSocketServer({ server, path: GRAPHQL_PATH });
  const runtimeOptions = getGraphQLWSOptions<HubContext, WsExtra>(runtime, (ctx) => ({
    req: ctx.extra.request,
    socket: ctx.extra.socket,
    request: new runtime.fetchAPI.Request(`http://${ctx.extra.request.headers.host ?? 'gateway'}${ctx.extra.request.url ?? GRAPHQL_PATH}`, {
      headers: Object.entries(ctx.extra.request.headers).flatMap(([name, value]) =>
        value === undefined ? [] : (Array.isArray(value) ? value : [value]).map((v): [string, string] => [name, v]),
      ),
    }),
    claims: ctx.extra.claims,
  }));
  const disposable = useServer<Record<string, unknown> | undefined, { claims?: Claims }>(
    {
      ...runtimeOptions,
      onConnect: async (ctx) => {
        const params = ctx.connectionParams ?? {};
        const auth = await authenticate(verify, params.Authorization ?? params.authorization);
        if ('error' in auth) {
          // graphql-ws would close with 4403 on `false`; an absent or bad token is 4401, as it is
          // 401 over HTTP. ws ignores the library's second close call.
          ctx.extra.socket.close(4401, 'Unauthorized');
          return false;
        }
        ctx.extra.claims = auth.claims;
        return true;
      },
    },
    wsServer,
  );
  return async () => {
    await disposable.dispose();
  };
}
