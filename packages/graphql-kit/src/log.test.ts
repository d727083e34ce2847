import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { runAudited } from '@hub/contracts';
import { requestAuditScope } from './audit-plugin';
import { setLogSink, subgraphLog } from './log';

describe('subgraph log lines', () => {
  const lines: { level: string; line: string }[] = [];
  const previous = setLogSink((level, line) => lines.push({ level, line }));
  afterAll(() => setLogSink(previous));
  afterEach(() => {
    lines.length = 0;
  });

  it("carry the request's id and subgraph from the request's scope, as JSON when asked", () => {
    const scope = requestAuditScope('deals', null, { 'x-request-id': 'req-42' });
    runAudited(scope, () => subgraphLog('error', 'masked', new TypeError('boom'), { json: true }));
    const line = JSON.parse(lines[0]!.line) as Record<string, unknown>;
    expect(lines[0]!.level).toBe('error');
    expect(line).toMatchObject({ level: 'error', subgraph: 'deals', requestId: 'req-42', msg: 'masked', err: { name: 'TypeError', message: 'boom' } });
    expect(typeof line.time).toBe('string');
  });

  it('name the request in text lines, and none outside a request', () => {
    runAudited(requestAuditScope('partners', null, { 'x-request-id': 'req-7' }), () => subgraphLog('warn', 'slow', undefined, { json: false }));
    subgraphLog('warn', 'in the background', undefined, { json: false });
    subgraphLog('warn', 'before the scope', undefined, { json: false, subgraph: 'deals', requestId: 'req-8' });
    expect(lines.map((entry) => entry.line)).toEqual(['[partners] [request req-7] slow', 'in the background', '[deals] [request req-8] before the scope']);
  });

  it('bound a huge message', () => {
    subgraphLog('info', 'x'.repeat(50_000), undefined, { json: true });
    expect(lines[0]!.line.length).toBeLessThan(2_200);
  });
});
