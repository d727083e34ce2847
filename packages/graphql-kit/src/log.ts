import { currentAuditScope } from '@hub/contracts';
import { setDatabaseWarnings } from '@hub/db';

type Level = 'info' | 'warn' | 'error';

/** Where subgraph log lines go; tests swap it to read them. */
export type LogSink = (level: Level, line: string) => void;

const consoleSink: LogSink = (level, line) => console[level](line);
let sink: LogSink = consoleSink;

/** Replaces where lines go (undefined restores the console); answers the previous sink. */
export function setLogSink(next: LogSink | undefined): LogSink {
  const previous = sink;
  sink = next ?? consoleSink;
  return previous;
}

const MAX_MESSAGE = 2_000;
const bounded = (text: string) => (text.length > MAX_MESSAGE ? `${text.slice(0, MAX_MESSAGE)}…(${text.length} chars)` : text);

/** An error as a log line shows it: name, message and stack, never the payload it may carry. */
function describe(error: unknown): { name: string; message: string; stack?: string } | undefined {
  if (error === undefined) return undefined;
  // The stack is kept for what is a bug; it names code, not the caller's data.
  if (error instanceof Error) return { name: error.name, message: bounded(error.message), ...(error.stack ? { stack: bounded(error.stack) } : {}) };
  return { name: typeof error, message: bounded(String(error)) };
}

/**
 * One subgraph log line. The request it is about comes from the request's audit scope (opened
 * around each GraphQL request with the gateway's `x-request-id`), so an operator can follow one
 * request from the gateway's lines into every subgraph's without threading the id through calls.
 * LOG_JSON=1 writes JSON lines, as the gateway does.
 */
export function subgraphLog(level: Level, msg: string, error?: unknown, options: LogOptions = {}): void {
  const scope = currentAuditScope();
  const subgraph = scope?.subgraph ?? options.subgraph;
  const requestId = scope?.requestId ?? options.requestId;
  const err = describe(error);
  if (options.json ?? process.env.LOG_JSON === '1') {
    const line = { level, time: new Date().toISOString(), subgraph, requestId, msg: bounded(msg), ...(err ? { err } : {}) };
    sink(level, JSON.stringify(line));
    return;
  }
  const prefix = [subgraph, requestId === undefined ? undefined : `request ${requestId}`].filter(Boolean).map((part) => `[${part}]`).join(' ');
  const text = [prefix, msg, err ? `\n${err.stack ?? `${err.name}: ${err.message}`}` : undefined].filter(Boolean).join(' ');
  sink(level, text);
}

export interface LogOptions {
  /** JSON line or text; LOG_JSON=1 decides when absent. */
  json?: boolean;
  /** For lines written before the request's scope opens (or after it closed). */
  subgraph?: string;
  requestId?: string;
}

/**
 * The database's warnings (slow queries, TypeORM's own) become subgraph log lines: they run in
 * the query's async context, so the line names the request (and subgraph) the query served.
 */
export function logDatabaseWarnings(): void {
  setDatabaseWarnings((message) => subgraphLog('warn', message));
}
