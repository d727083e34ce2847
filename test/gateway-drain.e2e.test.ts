import { Agent, request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { createClient as createWsClient } from 'graphql-ws';
import WebSocket from 'ws';
import { dealsSubgraph } from '@hub/deals';
import { partnersSubgraph } from '@hub/partners';
import { startHub } from './support/hub';

interface Outcome {
  status?: number;
  ok?: boolean;
  closeHeader?: boolean;
  refused?: string;
}

/** One POST over the agent's keep-alive connections. */
function query(agent: Agent, url: string, token: string, body: string): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const json = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { data?: { programs?: unknown[] }; errors?: unknown };
        resolve({ status: res.statusCode, ok: Array.isArray(json.data?.programs) && !json.errors, closeHeader: res.headers.connection === 'close' });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Reads SSE frames (`event` and `data`) until the stream ends. */
async function sse(url: string, token: string, body: string) {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${token}` }, body });
  const frames: { event: string; data: string }[] = [];
  const ended = (async () => {
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true });
      for (let end = buffer.indexOf('\n\n'); end !== -1; end = buffer.indexOf('\n\n')) {
        const fields = new Map(
          buffer
            .slice(0, end)
            .split('\n')
            .filter((line) => !line.startsWith(':'))
            .map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1).trimStart()] as const),
        );
        buffer = buffer.slice(end + 2);
        if (fields.has('event')) frames.push({ event: fields.get('event')!, data: fields.get('data') ?? '' });
      }
    }
  })();
  return { frames, ended };
}

describe('the gateway drains on close (SIGTERM)', () => {
  it('answers every request it took, refuses new connections, and ends SSE and graphql-ws subscriptions with a retryable hint', async () => {
    const hub = await startHub([partnersSubgraph, dealsSubgraph]);
    const token = await hub.token({ sub: 'admin', role: 'vendor_admin' });
    const body = JSON.stringify({ query: '{ programs { code } }' });
    let taken = 0;
    hub.server.on('request', (req: { headers: { accept?: string } }) => {
      if (req.headers.accept !== 'text/event-stream') taken += 1;
    });

    const stream = await sse(hub.url, token, JSON.stringify({ query: 'subscription { dealUpdated { id } }' }));
    const wsCloses: number[] = [];
    const wsErrors: unknown[] = [];
    const ws = createWsClient({
      url: hub.url.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      // Keep the socket after the subscription ends, to see how the server closes it.
      lazy: false,
      onNonLazyError: () => undefined,
      connectionParams: { authorization: `Bearer ${token}` },
      on: { closed: (event) => wsCloses.push((event as { code: number }).code) },
    });
    const wsReading = (async () => {
      for await (const result of ws.iterate({ query: 'subscription { dealUpdated { id } }' })) if (result.errors) wsErrors.push(...result.errors);
    })().catch((error: unknown) => error);

    const agent = new Agent({ keepAlive: true, maxSockets: 32 });
    const outcomes: Outcome[] = [];
    let stop = false;
    const worker = async () => {
      while (!stop) {
        try {
          outcomes.push(await query(agent, hub.url, token, body));
        } catch (error) {
          outcomes.push({ refused: (error as { code?: string }).code ?? String(error) });
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
      }
    };
    const workers = Array.from({ length: 16 }, worker);
    // Under way: the planner warm and every worker's connection open.
    for (const deadline = Date.now() + 20_000; outcomes.length < 200 && Date.now() < deadline; ) await new Promise((resolve) => setTimeout(resolve, 50));
    const before = outcomes.length;

    const started = Date.now();
    await hub.close();
    const closeMs = Date.now() - started;
    stop = true;
    await Promise.all(workers);
    agent.destroy();
    await stream.ended.catch(() => undefined);
    await wsReading;
    await ws.dispose();

    const answered = outcomes.filter((outcome) => outcome.status !== undefined);
    const refused = outcomes.filter((outcome) => outcome.refused !== undefined);
    console.log(`gateway drain: ${answered.length} answered (${before} before close), ${refused.length} refused, close took ${closeMs} ms`);
    expect(before).toBeGreaterThanOrEqual(200);
    expect(answered.every((outcome) => outcome.status === 200 && outcome.ok)).toBe(true);
    expect(answered).toHaveLength(taken);
    // Refused before taken: a new connection refused, or reset by the kernel while still in the
    // listener's backlog, unread.
    expect(refused.length).toBeGreaterThan(0);
    expect(refused.filter((outcome) => outcome.refused !== 'ECONNREFUSED' && outcome.refused !== 'ECONNRESET')).toEqual([]);
    expect(closeMs).toBeLessThan(5_000);

    // SSE: a last `next` saying restart-and-retry, then `complete`; nothing names an address.
    const last = stream.frames.filter((frame) => frame.event === 'next').at(-1);
    expect(JSON.parse(last?.data ?? '{}')).toMatchObject({ errors: [{ extensions: { code: 'SERVICE_UNAVAILABLE', retryable: true } }] });
    expect(stream.frames.at(-1)?.event).toBe('complete');
    expect(JSON.stringify(stream.frames)).not.toMatch(/127\.0\.0\.1|ECONNREFUSED/);
    // graphql-ws: the same error, then the socket closes with 1012 (Service Restart).
    expect(wsErrors).toMatchObject([{ extensions: { code: 'SERVICE_UNAVAILABLE', retryable: true } }]);
    expect(wsCloses).toEqual([1012]);
  });
});
