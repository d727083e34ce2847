import { ConsoleLogWriter, JSONLogWriter, Logger, type LogLevel, type LogWriter } from '@graphql-hive/logger';

type Attributes = Parameters<LogWriter['write']>[1];

/** Longest log line the gateway writes; the rest is cut and marked. */
export const MAX_LOG_LINE = 2_000;
const MAX_STRING = 300;
const MAX_DEPTH = 4;
const MAX_KEYS = 20;

/**
 * Whatever carries what a caller sent or proves who they are. Subgraph errors from the HTTP
 * executor carry the upstream request (query, variables) and response under `extensions`; an
 * operator needs the code and path, not the partner's data or a token.
 */
const SECRET_OR_PAYLOAD = /^(body|query|variables|document|params|authorization|cookie|headers|token|x-hub-.*|request|response|extensions)$/i;

function scrub(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return value.length > MAX_STRING ? `${value.slice(0, MAX_STRING)}…(${value.length} chars)` : value;
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_DEPTH) return '[…]';
  if (value instanceof Error) {
    const code = (value as { extensions?: { code?: unknown } }).extensions?.code;
    return { name: value.name, message: scrub(value.message, depth + 1), ...(code === undefined ? {} : { code }) };
  }
  if (Array.isArray(value)) return value.slice(0, MAX_KEYS).map((item) => scrub(item, depth + 1));
  const entries = Object.entries(value).slice(0, MAX_KEYS);
  return Object.fromEntries(entries.map(([key, item]) => [key, SECRET_OR_PAYLOAD.test(key) ? '[redacted]' : scrub(item, depth + 1)]));
}

/** Drops payloads and credentials from a log's attributes and bounds what is left. */
export function boundAttributes(attrs: Attributes): Attributes {
  if (attrs === null || attrs === undefined) return attrs;
  const scrubbed = scrub(attrs, 0) as Attributes;
  const size = JSON.stringify(scrubbed)?.length ?? 0;
  return size > MAX_LOG_LINE ? { truncated: `attributes of ${size} characters left out` } : scrubbed;
}

export const boundMessage = (msg: string | null | undefined) =>
  msg && msg.length > MAX_LOG_LINE ? `${msg.slice(0, MAX_LOG_LINE)}…(${msg.length} chars)` : msg;

/** A log writer that passes every line through `boundAttributes` and `boundMessage` first. */
export class BoundedLogWriter implements LogWriter {
  constructor(private readonly inner: LogWriter) {}

  write(level: LogLevel, attrs: Attributes, msg: string | null | undefined) {
    return this.inner.write(level, boundAttributes(attrs), boundMessage(msg));
  }

  flush() {
    return this.inner.flush?.();
  }
}

/**
 * The gateway's logger: console lines, or JSON lines with LOG_JSON=1, bounded and redacted; a
 * request's lines carry its `requestId` (see request-id.ts).
 */
export function createGatewayLogger(level: LogLevel | false = 'info', json = process.env.LOG_JSON === '1', writer?: LogWriter): Logger {
  return new Logger({ level, writers: [new BoundedLogWriter(writer ?? (json ? new JSONLogWriter() : new ConsoleLogWriter()))] });
}
