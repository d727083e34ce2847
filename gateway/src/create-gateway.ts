import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  createGatewayRuntime,
  getGraphQLWSOptions,
  type GatewayRuntime,
  type LogLevel,
  type TransportEntryAdditions,
} from '@graphql-hive/gateway-runtime';
import type { LogWriter } from '@graphql-hive/logger';
import { unifiedGraphHandler as rustQueryPlanner } from '@graphql-hive/router-runtime';
import { useServer, type Extra } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import httpTransport from '@graphql-mesh/transport-http';
import { GraphQLError } from 'graphql';
import { bearerToken, type Claims, type JwtVerifier } from '@hub/auth';
import { defaultEdgeConfig, type EdgeConfig } from './edge-config';
import { createExports, EXPORTS_PREFIX } from './exports';
import { useCodedVariableErrors, useRefusalLog, useUpstreamStreamErrors } from './error-contract';
import { createClientAddress } from './client-address';
import { checkBodySize, createHttpEdge } from './http-edge';
import { createIde, IDE_ASSET_PATH, type Ide } from './ide';
import { createGatewayLogger } from './logging';
import { REQUEST_ID_HEADER, useRequestIds } from './request-id';
import { requestIdOf } from '@hub/graphql-kit/audit-plugin';
import { createGatewayMetrics, type GatewayMetrics } from './metrics';
import type { GatewayTracing } from './telemetry';
import { useOperationLimits } from './operation-limits';
import { createRateLimiter, type CallerRateLimiter, type RateLimitKey } from './rate-limit';
import { TOKEN_EXPIRED_MESSAGE, useStreamsEndAtTokenExpiry, type TokenExpiry } from './stream-expiry';
import { useSseResume } from './sse-resume';
import { useSubscriptionsPerCallerLimit } from './subscription-limit';
import { keepRuntimeThroughSignals } from './runtime-signals';
import { useCallerOperationNames } from './subgraph-operation-names';
import { subscriptionTransport, useSignedSubgraphRequests, useSignedSubscriptions } from './subgraph-signing';
import { cachedTokenVerifier, type VerifiedCaller } from './verified-tokens';
import { createUpstreamResilience } from './upstream-resilience';
import { usePlacedUnavailableErrors } from './unavailable-paths';
import { InFlightLimit, isEventStream, OVERLOADED_EXTENSIONS, OVERLOADED_MESSAGE, SHED_RETRY_AFTER_SECONDS, useInFlightForSseOperations } from './load-shedding';
import { GatewayDrain, SERVICE_RESTART_CLOSE_CODE } from './drain';

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
  /** Where log lines go instead of the console (still bounded and redacted): tests read them here. */
  logWriter?: LogWriter;
  /** Operation limits, rate limits, CORS, body size; every default when absent. */
  edge?: EdgeConfig;
  /** Serve the GraphQL IDE (default: on, except in production). */
  ide?: boolean;
  /** Answer introspection queries (default: on, except in production). */
  introspection?: boolean;
  /** Share rate-limit counters between gateways through this Redis; in memory when absent. */
  redisUrl?: string;
  /**
   * Who plans queries across subgraphs: the Hive router's Rust planner (default; about half the
   * gateway's CPU per request on a page that spans subgraphs, see the gateway benchmark) or the
   * JavaScript planner of @graphql-tools/delegate.
   */
  queryPlanner?: QueryPlanner;
  /**
   * Prometheus metrics at /metrics: `true` on the gateway's own port, `{ port }` on a port of
   * their own (kept off the public listener, for production), `false` not at all. Default: on
   * the gateway's port, except in production, where they are off unless asked for.
   */
  metrics?: MetricsExposure;
  /** OpenTelemetry traces (see telemetry.ts): its plugin runs first; absent, nothing traces. */
  tracing?: Pick<GatewayTracing, 'plugin'>;
}

export type MetricsExposure = boolean | { port: number; host?: string };

export type QueryPlanner = 'rust' | 'js';

/** What the gateway adds to every operation's context: the caller, verified once here. */
export interface HubContext extends TokenExpiry {
  claims?: Claims;
  /** The request's id, as answered in `x-request-id` and sent to every subgraph. */
  requestId?: string;
}

export interface Gateway {
  server: Server;
  runtime: GatewayRuntime<HubContext>;
  /** Starts listening and returns the GraphQL endpoint's URL. */
  listen(port: number, host?: string): Promise<string>;
  /** Where /metrics is served once listening, when it is. */
  metricsUrl?: string;
  /** Stops taking requests, lets in-flight ones finish (briefly), then releases the runtime. */
  close(): Promise<void>;
}

const IDE_HEADERS = JSON.stringify({ Authorization: 'Bearer <paste the output of: pnpm -s token --role vendor_admin>' }, null, 2);
const IDE_QUERY = '# Paste a token into the Authorization header below, then run:\n{\n  programs {\n    code\n    name\n  }\n}\n';
const CLOSE_GRACE_MS = 5_000;

export function createGateway(options: GatewayOptions): Gateway {
  const edge = options.edge ?? defaultEdgeConfig();
  const introspection = options.introspection ?? !edge.production;
  const ide: Ide | undefined =
    (options.ide ?? !edge.production)
      ? createIde({ title: 'Partner program hub', endpoint: GRAPHQL_PATH, defaultQuery: IDE_QUERY, headers: IDE_HEADERS })
      : undefined;
  const rateLimiter = createRateLimiter(edge.rateLimits, options.redisUrl);
  const httpEdge = createHttpEdge({ production: edge.production, corsOrigins: edge.corsOrigins });
  const clientAddress = createClientAddress(edge.trustedProxies);
  const verifyToken = cachedTokenVerifier(options.verifyToken);
  const exposure = options.metrics ?? !edge.production;
  const metrics: GatewayMetrics | undefined = exposure === false ? undefined : createGatewayMetrics();
  const metricsServer = typeof exposure === 'object' && metrics ? createServer((req, res) => serveMetrics(metrics, req, res)) : undefined;

  // Bounded lines without request bodies, variables or tokens (see logging.ts); the router's own
  // lines use it directly, as the runtime's `logger` is the legacy one that flattens attributes.
  const log = createGatewayLogger(options.logging === undefined || options.logging === true ? 'info' : options.logging, undefined, options.logWriter);
  // A subgraph down or hung costs only the fields it serves (SUBGRAPH_UNAVAILABLE), see upstream-resilience.ts.
  const upstream = createUpstreamResilience(edge.upstream, log);
  const inFlight = new InFlightLimit(edge.maxInFlight);
  // SIGTERM drains (close()): unready, no new connection, answers in flight finished, streams ended with a reconnect hint.
  const drain = new GatewayDrain();
  const runtime = createGatewayRuntime<HubContext>({
    // The supergraph comes from composition, never from introspecting subgraphs: every request
    // the gateway sends to a subgraph is a signed operation on behalf of a caller.
    supergraph: options.supergraphSdl,
    ...((options.queryPlanner ?? 'rust') === 'rust' ? { unifiedGraphHandler: rustQueryPlanner } : {}),
    transportEntries: transportEntries(options.subgraphs),
    // Subscriptions to subgraphs never reconnect on their own (see subscriptionTransport): the
    // caller's stream ends with SUBGRAPH_UNAVAILABLE and it subscribes again, freshly signed.
    transports: { http: httpTransport, ws: subscriptionTransport },
    plugins: (context) => [
      // The trace's spans start with the gateway's work, before every other plugin's.
      ...(options.tracing ? [options.tracing.plugin(context)] : []),
      // First, so it times each request and subgraph fetch from the start of the gateway's work.
      ...(metrics ? [metrics.plugin] : []),
      ...upstream.plugins,
      ...useOperationLimits(edge.limits),
      useInFlightForSseOperations(inFlight, () => metrics?.refused('OVERLOADED')),
      useCodedVariableErrors(),
      useUpstreamStreamErrors(),
      usePlacedUnavailableErrors(options.supergraphSdl),
      useRefusalLog(),
      useSubscriptionsPerCallerLimit(),
      useStreamsEndAtTokenExpiry(),
      drain.plugin(),
      useSseResume(),
      useCallerOperationNames(),
      useRequestIds(),
      useSignedSubgraphRequests(options.gatewaySecret),
      useSignedSubscriptions(options.gatewaySecret),
    ],
    disableIntrospection: introspection ? undefined : { disableIf: () => true },
    // The IDE is served by the router below (small page, cacheable assets), never by Yoga.
    graphiql: false,
    landingPage: false,
    // CORS is answered by the router for every response, the gateway's own 401/413/429 included.
    cors: false,
    // The router picks the request id (a sane client one or a new one); see request-id.ts.
    requestId: false,
    // The same bounded, redacting logger (see above).
    logging: log,
  });

  const serveExport = createExports({ subgraphs: options.subgraphs, gatewaySecret: options.gatewaySecret, log });

  // /readyz answers anyone, unlimited, and each check calls every subgraph's /readyz (and so its
  // database): probes that arrive while a check runs share it rather than each starting one.
  const readinessChecks = new Map<boolean, Promise<Readiness>>();
  const readinessNow = (allSubgraphs: boolean): Promise<Readiness> => {
    let check = readinessChecks.get(allSubgraphs);
    if (!check) {
      check = checkReadiness(runtime, options.subgraphs, upstream.breakerStates(), allSubgraphs).finally(() => readinessChecks.delete(allSubgraphs));
      readinessChecks.set(allSubgraphs, check);
    }
    return check;
  };

  const server = createServer((req, res) => {
    drain.track(req, res);
    const requestId = requestIdOf(req.headers);
    res.setHeader(REQUEST_ID_HEADER, requestId);
    route(req, res, requestId).catch((error: unknown) => {
      log.error({ requestId, error }, 'unexpected error');
      if (res.headersSent) res.end();
      else sendJson(res, 500, { errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });
    });
  });

  /** Counts the request against its caller; false (after answering 429) when over the limit. */
  async function withinRateLimit(key: RateLimitKey, res: ServerResponse, requestId: string): Promise<boolean> {
    const retryAfter = await rateLimiter.consume(key);
    if (retryAfter === undefined) return true;
    log.warn({ requestId }, `[edge] rate limited ${'caller' in key ? `${key.caller.role} caller` : 'anonymous client'}`);
    metrics?.refused('RATE_LIMITED');
    sendError(res, 429, 'RATE_LIMITED', `Too many requests: retry in ${retryAfter} s`, { 'retry-after': String(retryAfter) });
    return false;
  }

  async function route(req: IncomingMessage, res: ServerResponse, requestId: string): Promise<void> {
    const { pathname, searchParams } = new URL(req.url ?? '/', 'http://gateway');
    if (!(await httpEdge(req, res))) return; // a CORS preflight, answered
    if (pathname === '/healthz') return sendJson(res, 200, { status: 'ok' });
    if (pathname === '/metrics' && metrics && !metricsServer) return serveMetrics(metrics, req, res);
    if (pathname === '/readyz') {
      if (drain.draining) return sendJson(res, 503, { ready: false, draining: true });
      const readiness = await readinessNow(searchParams.get('subgraphs') === 'all');
      return sendJson(res, readiness.ready ? 200 : 503, readiness);
    }
    const address = clientAddress(req);
    if (ide && pathname.startsWith(IDE_ASSET_PATH)) {
      if (!(await withinRateLimit({ address }, res, requestId))) return;
      if (await ide.asset(req, res, pathname)) return;
    }
    // BI exports share the edge below (body size, token, rate limit) with /graphql.
    const isExport = pathname.startsWith(EXPORTS_PREFIX);
    if (pathname !== GRAPHQL_PATH && !isExport) return sendError(res, 404, 'NOT_FOUND', 'Not found');
    // Shed before any work (token, body, planning); the IDE page and its assets are not counted.
    if (!isEventStream(req.headers.accept) && !(ide && rendersIde(req)) && !inFlight.enter(res)) {
      metrics?.refused('OVERLOADED');
      return sendJson(
        res,
        503,
        { errors: [{ message: OVERLOADED_MESSAGE, extensions: OVERLOADED_EXTENSIONS }] },
        { 'retry-after': String(SHED_RETRY_AFTER_SECONDS) },
      );
    }
    if (!isExport && ide && rendersIde(req)) {
      if (!(await withinRateLimit({ address }, res, requestId))) return;
      return ide.page(req, res);
    }
    const body = checkBodySize(req, edge.maxBodyBytes);
    if (body !== 'ok') {
      // The unread body is discarded with the connection.
      res.setHeader('connection', 'close');
      metrics?.refused(body === 'too-large' ? 'PAYLOAD_TOO_LARGE' : 'LENGTH_REQUIRED');
      return body === 'too-large'
        ? sendError(res, 413, 'PAYLOAD_TOO_LARGE', `The request body exceeds ${edge.maxBodyBytes} bytes`)
        : sendError(res, 411, 'BAD_REQUEST', 'Send the request body with a Content-Length');
    }
    const auth = await authenticate(verifyToken, req.headers.authorization);
    if ('error' in auth) {
      if (!(await withinRateLimit({ address }, res, requestId))) return;
      log.warn({ requestId }, '[edge] refused: unauthenticated request');
      metrics?.refused('UNAUTHENTICATED');
      return sendUnauthenticated(res, auth.error);
    }
    if (!(await withinRateLimit({ caller: auth.claims }, res, requestId))) return;
    if (isExport) return serveExport(req, res, { claims: auth.claims, requestId });
    return runtime.handle(req, res, { claims: auth.claims, tokenExpiresAt: auth.expiresAt, requestId });
  }

  const stopWebSockets = serveGraphQLOverWebSocket(server, runtime, verifyToken, rateLimiter, clientAddress);
  // The drain below decides when the runtime goes, not the runtime's own signal listeners.
  keepRuntimeThroughSignals(runtime);

  const gateway: Gateway = {
    server,
    runtime,
    listen: async (port, host = '127.0.0.1') => {
      // Load the supergraph before taking traffic: a broken one fails here, not on a request, and
      // graphql-ws operations (which skip the HTTP request hooks that load it lazily) find it ready.
      await runtime.getSchema();
      await rateLimiter.ready();
      const url = await listenOn(server, port, host);
      if (metricsServer && typeof exposure === 'object') gateway.metricsUrl = `${await listenOn(metricsServer, exposure.port, exposure.host ?? host)}/metrics`;
      else if (metrics) gateway.metricsUrl = `${url}/metrics`;
      return `${url}${GRAPHQL_PATH}`;
    },
    close: async () => {
      metricsServer?.close();
      metricsServer?.closeAllConnections();
      await drain.drain(server, CLOSE_GRACE_MS, stopWebSockets);
      await runtime.dispose();
      upstream.close();
      await rateLimiter.close();
    },
  };
  return gateway;
}

/** Listens and answers the server's origin, as a client on this machine reaches it. */
function listenOn(server: Server, port: number, host: string): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const shown = host === '0.0.0.0' || host === '::' ? 'localhost' : host;
      resolve(`http://${shown}:${(server.address() as AddressInfo).port}`);
    });
  });
}

/** The Prometheus text exposition; the metrics port answers nothing else. */
function serveMetrics(metrics: GatewayMetrics, req: IncomingMessage, res: ServerResponse): void {
  if (new URL(req.url ?? '/', 'http://gateway').pathname !== '/metrics') return sendError(res, 404, 'NOT_FOUND', 'Not found');
  metrics.scrape().then(
    ({ contentType, body }) => {
      res.writeHead(200, { 'content-type': contentType });
      res.end(body);
    },
    () => sendError(res, 500, 'INTERNAL_SERVER_ERROR', 'metrics could not be collected'),
  );
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

type TokenVerifier = (token: string) => Promise<VerifiedCaller>;
type AuthResult = { claims: Claims; expiresAt: number } | { error: string };

async function authenticate(verify: TokenVerifier, authorization: unknown): Promise<AuthResult> {
  const token = typeof authorization === 'string' ? bearerToken(authorization) : undefined;
  if (!token) return { error: 'Missing bearer token: send the header `Authorization: Bearer <jwt>`' };
  try {
    // Streams end when the token expires.
    return await verify(token);
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

function sendError(res: ServerResponse, status: number, code: string, message: string, headers: Record<string, string> = {}): void {
  sendJson(res, status, { errors: [{ message, extensions: { code } }] }, headers);
}

function sendUnauthenticated(res: ServerResponse, message: string): void {
  sendError(res, 401, 'UNAUTHENTICATED', message, { 'www-authenticate': 'Bearer' });
}

interface Readiness {
  ready: boolean;
  /** Some subgraph is not ready: its fields answer SUBGRAPH_UNAVAILABLE, the rest is served. */
  degraded: boolean;
  subgraphs: Record<string, string>;
}

/** A load balancer's probe gives up after a second or two: each check gets less, whatever hangs behind it. */
const READINESS_CHECK_MS = 800;

/**
 * Ready when the supergraph is loaded: this instance can answer, partially if a subgraph is
 * down. A subgraph's outage is shared by every gateway instance, so making it unready would
 * have a load balancer take all of them out and turn a partial answer into none; it is
 * reported instead (`degraded`, each subgraph named with its state and whether its breaker is
 * failing it fast, never its address). `allSubgraphs` (`/readyz?subgraphs=all`) also requires
 * every subgraph's own /readyz to answer 200: for a deploy gate or a smoke test, not a probe.
 */
async function checkReadiness(runtime: GatewayRuntime<HubContext>, subgraphs: readonly SubgraphRoute[], breakers: Record<string, string>, allSubgraphs: boolean): Promise<Readiness> {
  const checks = await Promise.all(
    subgraphs.map(async (subgraph): Promise<[string, string]> => {
      const breaker = breakers[subgraph.name] === 'open' ? ', circuit open' : '';
      try {
        const response = await fetch(new URL('/readyz', subgraph.url), { signal: AbortSignal.timeout(READINESS_CHECK_MS) });
        await response.body?.cancel();
        return [subgraph.name, response.ok ? 'ready' : `unavailable (HTTP ${response.status}${breaker})`];
      } catch (error) {
        return [subgraph.name, (error as Error).name === 'TimeoutError' ? `timed out after ${READINESS_CHECK_MS} ms${breaker}` : `unreachable${breaker}`];
      }
    }),
  );
  const schemaLoaded = await Promise.race([
    Promise.resolve(runtime.getSchema()).then(
      (schema) => schema !== undefined,
      () => false,
    ),
    new Promise<false>((resolve) => setTimeout(resolve, READINESS_CHECK_MS, false).unref()),
  ]);
  const degraded = checks.some(([, state]) => state !== 'ready');
  return { ready: schemaLoaded && !(allSubgraphs && degraded), degraded, subgraphs: Object.fromEntries(checks) };
}

type WsExtra = Extra & { claims?: Claims; expiresAt?: number };

/** How long after its token expires a graphql-ws socket is closed, so the expiry error arrives first. */
const WS_EXPIRY_CLOSE_DELAY_MS = 1_000;

/**
 * graphql-ws on the same port and path, wired to the runtime as the Hive Gateway CLI does
 * (`getGraphQLWSOptions`). The token comes from `connectionParams.Authorization` (or
 * `authorization`); a connection without a valid one is closed with 4401 before any operation,
 * and one whose token expires is closed with 4401 then. Each subscribe counts against the
 * caller's rate limit, as an HTTP request does.
 */
function serveGraphQLOverWebSocket(
  server: Server,
  runtime: GatewayRuntime<HubContext>,
  verify: TokenVerifier,
  rateLimiter: CallerRateLimiter,
  clientAddress: (req: IncomingMessage) => string,
): () => Promise<void> {
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
    tokenExpiresAt: ctx.extra.expiresAt,
    // Each operation on the socket is a request of its own: the upgrade's sane x-request-id, or a new id.
    requestId: requestIdOf(ctx.extra.request.headers),
  }));
  const disposable = useServer<Record<string, unknown> | undefined, { claims?: Claims; expiresAt?: number }>(
    {
      ...runtimeOptions,
      onConnect: async (ctx) => {
        const params = ctx.connectionParams ?? {};
        const auth = await authenticate(verify, params.Authorization ?? params.authorization);
        const socket = ctx.extra.socket;
        if ('error' in auth) {
          const retryAfter = await rateLimiter.consume({ address: clientAddress(ctx.extra.request) });
          // graphql-ws would close with 4403 on `false`; an absent or bad token is 4401, as it is
          // 401 over HTTP. ws ignores the library's second close call.
          socket.close(retryAfter === undefined ? 4401 : 4429, retryAfter === undefined ? 'Unauthorized' : 'Too many requests');
          return false;
        }
        ctx.extra.claims = auth.claims;
        ctx.extra.expiresAt = auth.expiresAt;
        if (auth.expiresAt !== undefined) {
          const close = setTimeout(() => socket.close(4401, 'Token expired'), auth.expiresAt - Date.now() + WS_EXPIRY_CLOSE_DELAY_MS);
          socket.once('close', () => clearTimeout(close));
        }
        return true;
      },
      onSubscribe: async (ctx, id, payload) => {
        const { claims, expiresAt } = ctx.extra;
        if (expiresAt !== undefined && Date.now() >= expiresAt) {
          return [new GraphQLError(TOKEN_EXPIRED_MESSAGE, { extensions: { code: 'UNAUTHENTICATED' } })];
        }
        if (claims !== undefined && (await rateLimiter.consume({ caller: claims })) !== undefined) {
          return [new GraphQLError('Too many requests', { extensions: { code: 'RATE_LIMITED' } })];
        }
        return runtimeOptions.onSubscribe?.(ctx, id, payload);
      },
    },
    wsServer,
  );
  return async () => {
    // Their subscriptions already ended with a retryable error (GatewayDrain); 1012 (Service
    // Restart) tells the client to reconnect, rather than graphql-ws's own 1001 (Going Away).
    for (const socket of wsServer.clients) socket.close(SERVICE_RESTART_CLOSE_CODE, 'Service Restart');
    await disposable.dispose();
  };
}
