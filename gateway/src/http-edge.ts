import type { IncomingMessage, ServerResponse } from 'node:http';
import cors from 'cors';
import helmet from 'helmet';

type Middleware = (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void;

/** Runs a connect-style middleware; resolves true when it let the request through (called next). */
function run(middleware: Middleware, req: IncomingMessage, res: ServerResponse): Promise<boolean> {
  return new Promise((resolve, reject) => {
    let passed = false;
    res.once('finish', () => resolve(passed));
    middleware(req, res, (error) => {
      if (error) reject(error instanceof Error ? error : new Error(String(error)));
      passed = true;
      resolve(true);
    });
  });
}

export interface HttpEdgeOptions {
  production: boolean;
  /** Allowed browser origins; `*` allows any origin, without credentials. */
  corsOrigins: readonly string[];
}

/** Headers the GraphQL-over-HTTP, SSE and IDE clients send. */
const ALLOWED_HEADERS = ['authorization', 'content-type', 'accept', 'x-request-id', 'last-event-id', 'x-graphql-event-stream-token'];

/**
 * Security headers (helmet) and CORS (the cors package) on every response the gateway sends,
 * its own 401, 413 and 429 answers included, so a browser client can read why it was refused.
 * Returns false when the response is already finished (a CORS preflight).
 */
export function createHttpEdge(options: HttpEdgeOptions): (req: IncomingMessage, res: ServerResponse) => Promise<boolean> {
  const securityHeaders = helmet({
    // The API answers JSON; the IDE page runs two inline scripts, which a strict policy forbids.
    contentSecurityPolicy: false,
    crossOriginEmbedderPolicy: false,
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    strictTransportSecurity: options.production ? { maxAge: 31_536_000, includeSubDomains: true } : false,
  }) as Middleware;
  const anyOrigin = options.corsOrigins.includes('*');
  const allowed = new Set(options.corsOrigins);
  const corsHeaders = cors({
    // Reflects an allowed origin, and only that one; credentials never go with a wildcard.
    origin: anyOrigin ? '*' : (origin, callback) => callback(null, origin !== undefined && allowed.has(origin)),
    credentials: !anyOrigin,
    methods: ['GET', 'POST', 'OPTIONS'],
    allowedHeaders: ALLOWED_HEADERS,
    // content-disposition names a BI export's file for a browser that downloads it.
    exposedHeaders: ['retry-after', 'www-authenticate', 'content-disposition'],
    maxAge: 600,
  }) as Middleware;
  return async (req, res) => (await run(securityHeaders, req, res)) && run(corsHeaders, req, res);
}

export type BodyCheck = 'ok' | 'too-large' | 'length-required';

/**
 * A body is read only when its Content-Length is declared and within `maxBytes`, so an oversized
 * request is refused before a byte of it is buffered. Chunked uploads without a length are
 * refused (411): every GraphQL client sends the length of the JSON it posts.
 */
export function checkBodySize(req: IncomingMessage, maxBytes: number): BodyCheck {
  const length = req.headers['content-length'];
  if (length === undefined) return req.headers['transfer-encoding'] === undefined ? 'ok' : 'length-required';
  const declared = Number(length);
  return Number.isSafeInteger(declared) && declared <= maxBytes ? 'ok' : 'too-large';
}
