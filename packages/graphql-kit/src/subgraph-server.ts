import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer, HeaderMap, type BaseContext } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { GraphQLError, type GraphQLSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { verifyGatewayRequest, verifySubscription, type Claims } from '@hub/auth';
import { DomainError } from '@hub/domain';
import { formatError } from './errors';
import { auditPlugin, requestAuditScope } from './audit-plugin';
import { runAudited } from '@hub/events';

const MAX_BODY_BYTES = 1024 * 1024;
const CLOSE_GRACE_MS = 5_000;

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

export interface SubgraphServerOptions<TContext extends BaseContext> {
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
}

export interface RunningSubgraph {
  server: Server;
  apollo: ApolloServer<BaseContext>;
  url: string;
  close(): Promise<void>;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new HttpError(413, 'BAD_REQUEST', 'request body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function sendJson(res: ServerResponse, status: number, payload: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(payload));
}

/**
 * A plain Node http server around Apollo Server: it reads the raw body so the gateway's
 * signature can be checked over the exact bytes that were signed, then hands the request to
 * Apollo. Also serves /healthz (process is up) and /readyz (dependencies answer).
 */
export async function startSubgraphServer<TContext extends BaseContext>(
  options: SubgraphServerOptions<TContext>,
  port: number,
  host = '127.0.0.1',
): Promise<RunningSubgraph> {
  const apollo = new ApolloServer<BaseContext>({
    schema: options.schema,
    introspection: options.introspection ?? true,
    formatError: (formatted, error) => formatError(formatted, error),
    includeStacktraceInErrorResponses: false,
    // Federated tracing (ftv1) is for Apollo's commercial router; our gateway does not read it.
    plugins: [ApolloServerPluginInlineTraceDisabled(), auditPlugin()],
  });
  await apollo.start();

  const handleGraphQL = async (req: IncomingMessage, res: ServerResponse, url: URL) => {
    const body = req.method === 'POST' ? await readBody(req) : '';
    let claims: Claims | null;
    try {
      claims = verifyGatewayRequest({ secret: options.gatewaySecret, body: req.method === 'POST' ? body : url.search, headers: req.headers });
    } catch (error) {
      const message = error instanceof DomainError ? error.message : 'unauthenticated';
      throw new HttpError(401, 'UNAUTHENTICATED', message);
    }
    let parsedBody: unknown;
    if (req.method === 'POST') {
      try {
        parsedBody = JSON.parse(body);
      } catch {
        throw new HttpError(400, 'BAD_REQUEST', 'request body is not valid JSON');
      }
    }
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
  const server = createServer((req, res) => {
    inFlight += 1;
    const url = new URL(req.url ?? '/', 'http://subgraph');
    const route = async () => {
      if (url.pathname === '/healthz') return sendJson(res, 200, { status: 'ok', subgraph: options.name });
      if (url.pathname === '/readyz') {
        try {
          await options.readiness?.();
          return sendJson(res, 200, { status: 'ready', subgraph: options.name });
        } catch (error) {
          return sendJson(res, 503, { status: 'unavailable', subgraph: options.name, reason: (error as Error).message });
        }
      }
      if (url.pathname === '/graphql') return handleGraphQL(req, res, url);
      return sendJson(res, 404, { errors: [{ message: 'not found', extensions: { code: 'NOT_FOUND' } }] });
    };
    route().catch((error: unknown) => {
      if (res.headersSent) return res.end();
      if (error instanceof HttpError) {
        return sendJson(res, error.status, { errors: [{ message: error.message, extensions: { code: error.code } }] });
      }
      console.error(`[${options.name}]`, error);
      sendJson(res, 500, { errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });
    }).finally(() => {
      // A handler runs on after its client hangs up; it counts until its own work is done.
      inFlight -= 1;
      if (inFlight === 0) drained?.();
    });
  });

  const stopSubscriptions = options.subscriptions ? serveSubscriptions(server, options) : async () => undefined;

  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  const address = server.address() as AddressInfo;
  return {
    server,
    apollo,
    url: `http://${host}:${address.port}/graphql`,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      if (inFlight > 0) await Promise.race([new Promise<void>((resolve) => (drained = resolve)), delay(CLOSE_GRACE_MS)]);
      server.closeAllConnections();
      await stopSubscriptions();
      await closed;
      await apollo.stop();
    },
  };
}

const claimsBySubscription = new WeakMap<object, Map<string, Claims | null>>();

/**
 * graphql-ws on the subgraph's /graphql: every subscribe message must carry the gateway's
 * signed claims in its extensions; the verified claims build the operation's context.
 */
function serveSubscriptions<TContext extends BaseContext>(server: Server, options: SubgraphServerOptions<TContext>): () => Promise<void> {
  const wsServer = new WebSocketServer({ server, path: '/graphql' });
  const disposable = useServer(
    {
      schema: options.schema,
      onSubscribe: (ctx, id, payload) => {
        try {
          const claims = verifySubscription(options.gatewaySecret, payload.extensions ?? undefined);
          const perSocket = claimsBySubscription.get(ctx) ?? new Map<string, Claims | null>();
          perSocket.set(id, claims);
          claimsBySubscription.set(ctx, perSocket);
        } catch (error) {
          return [new GraphQLError((error as Error).message, { extensions: { code: 'UNAUTHENTICATED' } })];
        }
      },
      context: (ctx, id) => options.createContext(claimsBySubscription.get(ctx)?.get(id) ?? null),
      // Errors raised while resolving an event get the same codes as over HTTP.
      onNext: (_ctx, _id, _payload, _args, result) =>
        result.errors ? { ...result, errors: result.errors.map((error) => formatError(error.toJSON(), error)) } : undefined,
      onComplete: (ctx, id) => {
        claimsBySubscription.get(ctx)?.delete(id);
      },
    },
    wsServer,
  );
  return async () => {
    await disposable.dispose();
  };
}
