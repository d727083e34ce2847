import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runAudited } from '@hub/contracts';
import { createDatabase, setDatabaseWarnings, type Database } from '@hub/db';
import { requestAuditScope } from './audit-plugin';
import { logDatabaseWarnings, setLogSink, subgraphLog } from './log';

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

describe('database warnings', () => {
  const lines: string[] = [];
  let database: Database;
  let previousSink: ReturnType<typeof setLogSink>;
  beforeAll(async () => {
    previousSink = setLogSink((_level, line) => lines.push(line));
    database = createDatabase({ sqliteFile: ':memory:', entities: [], migrations: [], slowQueryMs: 1 });
    await database.dataSource.initialize();
    logDatabaseWarnings();
  });
  afterAll(async () => {
    setDatabaseWarnings(undefined);
    setLogSink(previousSink);
    await database.dataSource.destroy();
  });

  it("log a slow query with the request's id and subgraph, and without its parameters", async () => {
    // Counting 300,000 rows takes SQLite well over the 1 ms bound.
    const slow = 'WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 300000) SELECT COUNT(*) AS c FROM n WHERE x <> ?';
    await runAudited(requestAuditScope('licenses', null, { 'x-request-id': 'req-slow' }), () => database.dataSource.query(slow, [424242]));
    const line = lines.find((l) => l.includes('slow query'));
    expect(line).toMatch(/^\[licenses\] \[request req-slow\] slow query \(\d+ ms\): WITH RECURSIVE/);
    expect(line).not.toContain('424242');
  });
});
