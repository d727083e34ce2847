import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { Server as NetServer, type AddressInfo } from 'node:net';
import { ApolloServer, HeaderMap, type BaseContext } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { GraphQLError, Lexer, Source, TokenKind, type GraphQLSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { Redis } from 'ioredis';
import { WebSocketServer } from 'ws';
import { memoryNonceStore, redisNonceStore, sharedNonceStoreWithLocalFallback, verifyGatewayRequest, verifySubscription, type Claims, type NonceStore } from '@hub/auth';
import { databaseUnavailable } from '@hub/db';
import { DomainError } from '@hub/domain';
import { formatError } from './errors';
import { logDatabaseWarnings, subgraphLog } from './log';
import { auditPlugin, REQUEST_ID_EXTENSION, requestAuditScope, requestIdOf } from './audit-plugin';
import { runAudited, type AuditScope } from '@hub/contracts';
import { createSubgraphMetrics, type MetricsCollector, type SubgraphMetricsOptions } from './metrics';
import { EXPORTS_PATH, ExportRefusal, serveExport, type ExportDatasets } from './exports';

const MAX_BODY_BYTES = 1024 * 1024;
/** A larger body is still read (and dropped) up to here so its sender gets the 413; beyond, the connection is closed after it. */
const MAX_DRAINED_BYTES = 8 * MAX_BODY_BYTES;
/**
 * How deep a request's JSON and GraphQL may nest: far more than any query the gateway plans
 * (its own depth limit is much lower), far less than what overflows a recursive parser.
 */
const MAX_NESTING = 100;
const CLOSE_GRACE_MS = 5_000;
/**
 * A drain waits until no request has arrived for this long before closing the keep-alive
 * connections left idle: a client busy on one gets `Connection: close` on its next answer and
 * moves on; cutting an idle one at once races a request its client may be sending on it.
 */
const DRAIN_QUIET_MS = 250;
/** A load balancer's probe gives up after a second or so: /readyz answers within this whatever hangs behind it. */
export const READINESS_TIMEOUT_MS = 800;
/** graphql-ws close code for a server going away to restart: the gateway reconnects, elsewhere if it can. */
export const SERVICE_RESTART_CLOSE_CODE = 1012;

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

export interface SubgraphServerOptions<TContext extends BaseContext> {
  /** Its name in the supergraph: only requests the gateway signed for this name are accepted. */
  name: string;
  schema: GraphQLSchema;
  /** Shared with the gateway; every GraphQL request must carry its signature. */
  gatewaySecret: string;
  /** Builds the per-request context (loaders are per request) from the verified claims. */
  createContext: (claims: Claims | null) => TContext | Promise<TContext>;
  /** Throws when the subgraph cannot serve (e.g. the database is unreachable). */
  readiness?: () => Promise<void>;
  introspection?: boolean;
  /** Serve the schema's Subscription fields over graphql-ws at /graphql (the gateway's transport). */
  subscriptions?: boolean;
  /** Where accepted gateway nonces are remembered; default the process's shared store, else memory. */
  nonces?: NonceStore;
  /**
   * Domain gauges read at each scrape of /metrics (outbox backlog, parked events…), beside the
   * per-operation counters and Node's process metrics every server has.
   */
  metrics?: readonly MetricsCollector[];
  /** Metrics the subgraph records itself (createJobDurations), shown on its /metrics too. */
  instruments?: SubgraphMetricsOptions['instruments'];
  /** BI export datasets this subgraph owns, served as NDJSON on GET /exports (see exports.ts). */
  exports?: ExportDatasets;
}

export interface RunningSubgraph {
  server: Server;
  apollo: ApolloServer<BaseContext>;
  url: string;
  /**
   * Drains, then stops: /readyz answers 503 at once, the listener accepts no new connection,
   * subscriptions end with 1012 (Service Restart), requests in flight finish (up to a grace of
   * 5 s) and every answer from then on closes its keep-alive connection after it.
   */
  close(): Promise<void>;
}

type ReadinessAnswer = { status: 200; body: Record<string, unknown> } | { status: 503; body: Record<string, unknown> };

/**
 * Runs the subgraph's readiness check against a timer, so the answer never waits on a database
 * that hangs. The failing part is named, never the driver's message (it holds addresses).
 */
export async function checkReadiness(name: string, readiness: (() => Promise<void>) | undefined, timeoutMs = READINESS_TIMEOUT_MS): Promise<ReadinessAnswer> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
  try {
    const outcome = await Promise.race([Promise.resolve(readiness?.()).then(() => 'ready' as const), timedOut]);
    if (outcome === 'ready') return { status: 200, body: { status: 'ready', ready: true, subgraph: name } };
    return { status: 503, body: { status: 'unavailable', ready: false, subgraph: name, database: 'timeout' } };
  } catch (error) {
    const reason = databaseUnavailable(error);
    if (!reason) subgraphLog('warn', 'readiness check failed', error, { subgraph: name });
    return { status: 503, body: { status: 'unavailable', ready: false, subgraph: name, database: reason ? reason.toLowerCase() : 'failing' } };
  } finally {
    clearTimeout(timer);
  }
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Answer, then close: the request is not read to its end. */
    readonly closeConnection = false,
  ) {
    super(message);
  }
}

const tooLarge = (closeConnection: boolean) =>
  new HttpError(413, 'PAYLOAD_TOO_LARGE', `request body is larger than ${MAX_BODY_BYTES} bytes`, closeConnection);

/**
 * Reads the body, keeping at most MAX_BODY_BYTES. A larger one is answered 413 once it has been
 * read to its end, so the sender (the gateway) receives the answer instead of a reset
 * connection it could only report as an internal error.
 */
function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
      else if (size > MAX_DRAINED_BYTES) {
        req.off('data', onData);
        reject(tooLarge(true));
      }
    };
    req.on('data', onData);
    req.on('end', () => (size > MAX_BODY_BYTES ? reject(tooLarge(false)) : resolve(Buffer.concat(chunks).toString('utf8'))));
    req.on('error', reject);
  });
}

/** Whether JSON text nests objects and arrays deeper than `limit` (string contents skipped). */
function jsonNestsDeeperThan(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i];
    if (inString) {
      if (char === '\\') i += 1;
      else if (char === '"') inString = false;
    } else if (char === '"') inString = true;
    else if (char === '{' || char === '[') {
      depth += 1;
      if (depth > limit) return true;
    } else if (char === '}' || char === ']') depth -= 1;
  }
  return false;
}

const OPENING = new Set<string>([TokenKind.BRACE_L, TokenKind.BRACKET_L, TokenKind.PAREN_L]);
const CLOSING = new Set<string>([TokenKind.BRACE_R, TokenKind.BRACKET_R, TokenKind.PAREN_R]);

/**
 * Whether a GraphQL document nests selections, lists, objects or arguments deeper than `limit`,
 * counted with graphql's own lexer (which skips strings and comments and does not recurse). A
 * document that does not lex is left to the parser to report.
 */
function documentNestsDeeperThan(query: string, limit: number): boolean {
  const lexer = new Lexer(new Source(query));
  let depth = 0;
  try {
    for (let token = lexer.advance(); token.kind !== TokenKind.EOF; token = lexer.advance()) {
      if (OPENING.has(token.kind)) {
        depth += 1;
        if (depth > limit) return true;
      } else if (CLOSING.has(token.kind)) depth -= 1;
    }
  } catch {
    return false;
  }
  return false;
}

/**
 * Refuses, as a 400 the caller can read, a request whose nesting would overflow a parser further
 * on: the JSON (POST body, GET variables and extensions) before it is parsed, then the query.
 */
function refuseDeepJson(body: string, url: URL): void {
  const texts = [body, url.searchParams.get('variables') ?? '', url.searchParams.get('extensions') ?? ''];
  if (texts.some((text) => jsonNestsDeeperThan(text, MAX_NESTING))) {
    throw new HttpError(400, 'BAD_REQUEST', `request nests deeper than ${MAX_NESTING} levels`);
  }
}

function refuseDeepDocument(parsedBody: unknown, url: URL): void {
  const posted = typeof parsedBody === 'object' && parsedBody !== null && 'query' in parsedBody ? parsedBody.query : undefined;
  const query = typeof posted === 'string' ? posted : (url.searchParams.get('query') ?? '');
  if (documentNestsDeeperThan(query, MAX_NESTING)) {
    throw new HttpError(400, 'BAD_REQUEST', `query nests deeper than ${MAX_NESTING} levels`);
  }
}

let sharedNonces: NonceStore | undefined;

/** What a subgraph does with signed gateway requests while Redis cannot say whether a nonce was used. */
export type NonceFallback = 'memory' | 'refuse';

/** How long a nonce check may wait for Redis before it counts as unanswered. */
const NONCE_CHECK_TIMEOUT_MS = 500;
/** While Redis is failing, one warning per this interval, with how many checks it failed. */
const NONCE_WARNING_INTERVAL_MS = 10_000;

/**
 * For a standalone subgraph process, once at start-up: every server it starts remembers gateway
 * nonces in Redis (`SET … NX EX`), shared with the subgraph's other instances, so a request
 * replayed to another instance is refused too. Without it each server remembers its own in
 * memory, which is enough in one process (embedded, tests).
 *
 * While Redis cannot answer (down, or slower than half a second), `memory` (the default) checks
 * nonces in this process's memory so the hub keeps serving through a Redis outage, as its outbox
 * lets writes do; `refuse` answers every signed request 503 instead. Returns the closer.
 */
export async function shareGatewayNonces(redisUrl: string, fallback: NonceFallback = 'memory'): Promise<() => void> {
  const redis = new Redis(redisUrl, {
    lazyConnect: true,
    // Fail a check at once while disconnected, and keep reconnecting.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: NONCE_CHECK_TIMEOUT_MS,
    retryStrategy: (times) => Math.min(times * 100, 2_000),
  });
  redis.on('error', () => undefined);
  await redis.connect().catch((error: unknown) => console.warn(`gateway nonces: Redis is not reachable yet (${(error as Error).message})`));
  const shared = redisNonceStore(redis);
  let failed = 0;
  let warnedAt = 0;
  const warn = (error: unknown) => {
    failed += 1;
    const at = Date.now();
    if (at - warnedAt < NONCE_WARNING_INTERVAL_MS) return;
    warnedAt = at;
    subgraphLog('warn', `gateway nonces: Redis did not answer ${failed} check(s); checking this process's memory until it does`, error, {});
    failed = 0;
  };
  sharedNonces = fallback === 'memory' ? sharedNonceStoreWithLocalFallback(shared, { onSharedFailure: warn }) : shared;
  return () => {
    sharedNonces = undefined;
    redis.disconnect();
  };
}

function sendJson(res: ServerResponse, status: number, payload: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(payload));
}

/**
 * A plain Node http server around Apollo Server: it reads the raw body so the gateway's
 * signature can be checked over the exact bytes that were signed, then hands the request to
 * Apollo. Also serves /healthz (process is up), /readyz (dependencies answer) and /metrics
 * (Prometheus; like the health checks, unauthenticated: subgraphs sit on the private network,
 * only the gateway is exposed).
 */
export async function startSubgraphServer<TContext extends BaseContext>(
  options: SubgraphServerOptions<TContext>,
  port: number,
  host = '127.0.0.1',
): Promise<RunningSubgraph> {
  const metrics = createSubgraphMetrics({ subgraph: options.name, collectors: options.metrics, instruments: options.instruments });
  logDatabaseWarnings();
  const apollo = new ApolloServer<BaseContext>({
    schema: options.schema,
    introspection: options.introspection ?? true,
    formatError: (formatted, error) => formatError(formatted, error),
    includeStacktraceInErrorResponses: false,
    // The process drains on SIGTERM (close()); Apollo stopping itself on the signal would fail
    // the requests still arriving on keep-alive connections.
    stopOnTerminationSignals: false,
    // Federated tracing (ftv1) is for Apollo's commercial router; our gateway does not read it.
    plugins: [ApolloServerPluginInlineTraceDisabled(), ApolloServerPluginCacheControlDisabled(), auditPlugin(), metrics.plugin],
  });
  await apollo.start();
  const nonces = options.nonces ?? sharedNonces ?? memoryNonceStore();

  const verifiedClaims = async (req: IncomingMessage, signedBody: string): Promise<Claims | null> => {
    try {
      return await verifyGatewayRequest({ secret: options.gatewaySecret, subgraph: options.name, body: signedBody, headers: req.headers, nonces });
    } catch (error) {
      if (error instanceof DomainError) throw new HttpError(401, 'UNAUTHENTICATED', error.message);
      // The signature may be fine; only the nonce store could not say whether it was used before.
      subgraphLog('error', 'gateway nonce check failed', error, { subgraph: options.name, requestId: requestIdOf(req.headers) });
      throw new HttpError(503, 'SERVICE_UNAVAILABLE', 'cannot check the gateway signature now; retry');
    }
  };

  const handleExport = async (req: IncomingMessage, res: ServerResponse, url: URL, datasets: ExportDatasets) => {
    if (req.method !== 'GET') throw new HttpError(405, 'BAD_REQUEST', 'exports are read with GET');
    const claims = await verifiedClaims(req, url.search);
    try {
      await serveExport(datasets, url, claims, res);
    } catch (error) {
      if (error instanceof ExportRefusal) throw new HttpError(error.status, error.code, error.message);
      // A client that hung up ends the stream early; that is not the server's failure.
      if (res.destroyed && (error as NodeJS.ErrnoException).code === 'ERR_STREAM_PREMATURE_CLOSE') return;
      // Its 200 is committed: the connection is cut (the gateway sees a broken stream, not a
      // whole file), and only this line says why.
      if (res.headersSent) subgraphLog('error', `export ${url.searchParams.get('dataset') ?? ''} failed part-way`, error, { subgraph: options.name, requestId: requestIdOf(req.headers) });
      throw error;
    }
  };

  const handleGraphQL = async (req: IncomingMessage, res: ServerResponse, url: URL) => {
    const body = req.method === 'POST' ? await readBody(req) : '';
    const claims = await verifiedClaims(req, req.method === 'POST' ? body : url.search);
    refuseDeepJson(body, url);
    let parsedBody: unknown;
    if (req.method === 'POST') {
      try {
        parsedBody = JSON.parse(body);
      } catch {
        throw new HttpError(400, 'BAD_REQUEST', 'request body is not valid JSON');
      }
    }
    refuseDeepDocument(parsedBody, url);
    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
    }
    // Every transaction a mutation commits records who made it, through which field and request.
    const response = await runAudited(requestAuditScope(options.name, claims, req.headers), () =>
      apollo.executeHTTPGraphQLRequest({
        httpGraphQLRequest: { method: req.method ?? 'GET', headers, search: url.search, body: parsedBody },
        context: async () => options.createContext(claims),
      }),
    );
    for (const [key, value] of response.headers) res.setHeader(key, value);
    res.statusCode = response.status ?? 200;
    if (response.body.kind === 'complete') {
      res.end(response.body.string);
      return;
    }
    for await (const chunk of response.body.asyncIterator) res.write(chunk);
    res.end();
  };

  // Requests still executing when the server is asked to stop; close() waits for them so the
  // caller can release the database afterwards without failing work already accepted.
  let inFlight = 0;
  let drained: (() => void) | undefined;
  // Once draining, every answer says `Connection: close`, so a keep-alive client (the gateway's
  // pool) sends its next request elsewhere instead of on a connection about to be closed.
  let draining = false;
  const answering = new Set<ServerResponse>();
  let lastRequestAt = 0;
  const server = createServer((req, res) => {
    inFlight += 1;
    lastRequestAt = Date.now();
    answering.add(res);
    if (draining) res.setHeader('connection', 'close');
    const url = new URL(req.url ?? '/', 'http://subgraph');
    const route = async () => {
      if (url.pathname === '/healthz') return sendJson(res, 200, { status: 'ok', subgraph: options.name });
      if (url.pathname === '/readyz') {
        if (draining) return sendJson(res, 503, { status: 'unavailable', ready: false, subgraph: options.name, draining: true });
        const readiness = await checkReadiness(options.name, options.readiness);
        // A check that was under way when the drain began reports the drain.
        if (draining) return sendJson(res, 503, { status: 'unavailable', ready: false, subgraph: options.name, draining: true });
        return sendJson(res, readiness.status, readiness.body);
      }
      if (url.pathname === '/metrics') {
        const { contentType, body } = await metrics.scrape();
        res.writeHead(200, { 'content-type': contentType });
        return res.end(body);
      }
      if (url.pathname === '/graphql') return handleGraphQL(req, res, url);
      if (url.pathname === EXPORTS_PATH && options.exports) return handleExport(req, res, url, options.exports);
      return sendJson(res, 404, { errors: [{ message: 'not found', extensions: { code: 'NOT_FOUND' } }] });
    };
    route().catch((error: unknown) => {
      if (res.headersSent) return res.end();
      if (error instanceof HttpError) {
        metrics.refused(error.code);
        if (error.closeConnection) res.setHeader('connection', 'close');
        return sendJson(res, error.status, { errors: [{ message: error.message, extensions: { code: error.code } }] });
      }
      subgraphLog('error', 'request failed', error, { subgraph: options.name, requestId: requestIdOf(req.headers) });
      sendJson(res, 500, { errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });
    }).finally(() => {
      // A handler runs on after its client hangs up; it counts until its own work is done.
      inFlight -= 1;
      answering.delete(res);
      // A streamed answer went out before the drain and could not say `Connection: close`.
      if (inFlight === 0) drained?.();
    });
  });

  const stopSubscriptions = options.subscriptions ? serveSubscriptions(server, options, nonces) : async () => undefined;

  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  const address = server.address() as AddressInfo;
  return {
    server,
    apollo,
    url: `http://${host}:${address.port}/graphql`,
    close: async () => {
      draining = true;
      for (const res of answering) if (!res.headersSent) res.setHeader('connection', 'close');
      // net.Server's close: no new connection is accepted. http.Server's would also cut the idle
      // keep-alive connections at once (see DRAIN_QUIET_MS); they are closed below.
      const closed = new Promise<void>((resolve) => NetServer.prototype.close.call(server, () => resolve()));
      const subscriptionsEnded = stopSubscriptions();
      const deadline = Date.now() + CLOSE_GRACE_MS;
      while (Date.now() < deadline && (inFlight > 0 || Date.now() - lastRequestAt < DRAIN_QUIET_MS)) {
        await Promise.race([new Promise<void>((resolve) => (drained = resolve)), delay(Math.min(DRAIN_QUIET_MS, Math.max(0, deadline - Date.now())))]);
      }
      // Idle connections now; past the grace, requests still running too.
      server.closeAllConnections();
      await subscriptionsEnded;
      await closed;
      await apollo.stop();
    },
  };
}

/** Each open subscription's verified caller and the audit scope its log lines name (request id). */
const subscriptionsBySocket = new WeakMap<object, Map<string, { claims: Claims | null; scope: AuditScope }>>();

/**
 * graphql-ws on the subgraph's /graphql: every subscribe message must carry the gateway's
 * signed claims in its extensions, signed for this subgraph with an unused nonce; the verified
 * claims build the operation's context.
 */
function serveSubscriptions<TContext extends BaseContext>(server: Server, options: SubgraphServerOptions<TContext>, nonces: NonceStore): () => Promise<void> {
  const wsServer = new WebSocketServer({ server, path: '/graphql' });
  const disposable = useServer(
    {
      schema: options.schema,
      onSubscribe: async (ctx, id, payload) => {
        try {
          const claims = await verifySubscription({ secret: options.gatewaySecret, subgraph: options.name, extensions: payload.extensions, nonces });
          // The gateway's request id, as over HTTP (checked the same way, a new one when absent or odd).
          const sentId = payload.extensions?.[REQUEST_ID_EXTENSION];
          const scope = requestAuditScope(options.name, claims, typeof sentId === 'string' ? { 'x-request-id': sentId } : {});
          const perSocket = subscriptionsBySocket.get(ctx) ?? new Map<string, { claims: Claims | null; scope: AuditScope }>();
          perSocket.set(id, { claims, scope });
          subscriptionsBySocket.set(ctx, perSocket);
        } catch (error) {
          return [new GraphQLError((error as Error).message, { extensions: { code: 'UNAUTHENTICATED' } })];
        }
      },
      context: (ctx, id) => options.createContext(subscriptionsBySocket.get(ctx)?.get(id)?.claims ?? null),
      // Errors raised while resolving an event get the same codes as over HTTP; the masked ones'
      // log lines name the subscription's request, as an HTTP request's do.
      onNext: (ctx, id, _payload, _args, result) => {
        if (!result.errors) return undefined;
        const format = () => ({ ...result, errors: result.errors!.map((error) => formatError(error.toJSON(), error)) });
        const scope = subscriptionsBySocket.get(ctx)?.get(id)?.scope;
        return scope ? runAudited(scope, format) : format();
      },
      onComplete: (ctx, id) => {
        subscriptionsBySocket.get(ctx)?.delete(id);
      },
    },
    wsServer,
  );
  return async () => {
    // graphql-ws's own dispose says 1001 (Going Away); 1012 tells the gateway this instance is
    // restarting, so it resubscribes at once. ws ignores dispose's second close of each socket.
    for (const socket of wsServer.clients) socket.close(SERVICE_RESTART_CLOSE_CODE, 'Service Restart');
    await disposable.dispose();
  };
}
