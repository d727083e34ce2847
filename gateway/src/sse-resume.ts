import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { Kind, parse, print, type ArgumentNode, type DocumentNode, type FieldNode, type OperationDefinitionNode } from 'graphql';

/** The subscription whose events carry ids a client can resume from (the deal feed's). */
const RESUMABLE_FIELD = 'dealUpdated';
const RESUME_ARGUMENT = 'after';
/** Longer than any event id; a longer header is not one of ours and is left alone. */
const MAX_LAST_EVENT_ID = 200;
const SSE = 'text/event-stream';

const isAsyncIterable = (value: unknown): value is AsyncIterable<unknown> => typeof value === 'object' && value !== null && Symbol.asyncIterator in value;

/**
 * Server-sent events that resume: each `dealUpdated` event goes out with its event id as the SSE
 * `id:`, so an EventSource (or any SSE client) sends it back as `Last-Event-ID` when it
 * reconnects, and the gateway turns that header into `dealUpdated(after:)`: the subscription
 * replays what the client missed and goes on live. The header wins over an `after` in the
 * operation, which is the one the client first connected with and is older.
 *
 * Yoga's SSE writer has no hook for event ids, so its output is rewritten frame by frame; only
 * responses to operations that select `dealUpdated` pay for it.
 */
export function useSseResume(): GatewayPlugin {
  const resumable = new WeakSet<Request>();
  return {
    onParams({ params, request, setParams }) {
      // Unchecked client input: a query that is not a string is Yoga's to refuse (400), not ours to read.
      if (typeof params.query !== 'string' || !params.query.includes(RESUMABLE_FIELD)) return;
      resumable.add(request);
      const lastEventId = request.headers.get('last-event-id')?.trim();
      if (!lastEventId || lastEventId.length > MAX_LAST_EVENT_ID) return;
      const resumed = resumeAfter(params.query, params.operationName, params.variables, lastEventId);
      if (resumed) setParams({ ...params, ...resumed });
    },
    onResultProcess({ request, result, resultProcessor, setResultProcessor }) {
      // A stream to a client that accepts SSE is written by Yoga's SSE processor (the only one
      // it picks for a subscription's stream); an error answered at once is plain JSON, untouched.
      if (!resultProcessor || !resumable.has(request) || !isAsyncIterable(result) || !request.headers.get('accept')?.includes(SSE)) return;
      const writeSse = resultProcessor;
      setResultProcessor(async (stream, fetchAPI, acceptedMediaType) => {
        const response = await writeSse(stream, fetchAPI, acceptedMediaType);
        if (!response.body) return response;
        return new fetchAPI.Response(response.body.pipeThrough(eventIds()), { status: response.status, statusText: response.statusText, headers: response.headers });
      }, SSE);
    },
  };
}

/**
 * The operation with `after` on every `dealUpdated` it subscribes to set to `lastEventId`: the
 * variable it is bound to if it is one, else a literal. Undefined when there is nothing to set
 * (no such subscription, or a query that does not parse: validation will say why).
 */
export function resumeAfter(
  query: string,
  operationName: string | undefined,
  variables: Record<string, unknown> | undefined,
  lastEventId: string,
): { query: string; variables: Record<string, unknown> } | undefined {
  let document: DocumentNode;
  try {
    document = parse(query);
  } catch {
    return undefined;
  }
  const operations = document.definitions.filter((definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION);
  const operation = operationName ? operations.find((candidate) => candidate.name?.value === operationName) : operations.length === 1 ? operations[0] : undefined;
  if (operation?.operation !== 'subscription') return undefined;
  const nextVariables = { ...variables };
  let changed = false;
  const selections = operation.selectionSet.selections.map((selection) => {
    if (selection.kind !== Kind.FIELD || selection.name.value !== RESUMABLE_FIELD) return selection;
    changed = true;
    const existing = selection.arguments?.find((argument) => argument.name.value === RESUME_ARGUMENT);
    if (existing?.value.kind === Kind.VARIABLE) {
      nextVariables[existing.value.name.value] = lastEventId;
      return selection;
    }
    const after: ArgumentNode = { kind: Kind.ARGUMENT, name: { kind: Kind.NAME, value: RESUME_ARGUMENT }, value: { kind: Kind.STRING, value: lastEventId } };
    const others = (selection.arguments ?? []).filter((argument) => argument !== existing);
    return { ...selection, arguments: [...others, after] } satisfies FieldNode;
  });
  if (!changed) return undefined;
  const resumed: DocumentNode = {
    ...document,
    definitions: document.definitions.map((definition) => (definition === operation ? { ...operation, selectionSet: { ...operation.selectionSet, selections } } : definition)),
  };
  return { query: print(resumed), variables: nextVariables };
}

/**
 * Adds `id: <event id>` to each `next` event whose result carries one at its root field (the
 * `id` a client selects on `dealUpdated`); pings, errors and `complete` pass unchanged.
 */
function eventIds(): TransformStream<Uint8Array, Uint8Array> {
  const decoder = new TextDecoder();
  const encoder = new TextEncoder();
  let pending = '';
  return new TransformStream({
    transform(chunk, controller) {
      pending += decoder.decode(chunk, { stream: true });
      let end: number;
      while ((end = pending.indexOf('\n\n')) !== -1) {
        const frame = pending.slice(0, end + 2);
        pending = pending.slice(end + 2);
        controller.enqueue(encoder.encode(withEventId(frame)));
      }
    },
    flush(controller) {
      if (pending) controller.enqueue(encoder.encode(pending));
    },
  });
}

function withEventId(frame: string): string {
  if (!frame.startsWith('event: next\n')) return frame;
  const data = frame.slice('event: next\n'.length).match(/^data: (.*)\n\n$/s)?.[1];
  if (!data) return frame;
  let id: unknown;
  try {
    const result = JSON.parse(data) as { data?: Record<string, { id?: unknown } | null> | null };
    id = Object.values(result.data ?? {})[0]?.id;
  } catch {
    return frame;
  }
  // An id with a line break would end the field early; ours never have one.
  return typeof id === 'string' && !/[\r\n]/.test(id) ? `id: ${id}\n${frame}` : frame;
}
