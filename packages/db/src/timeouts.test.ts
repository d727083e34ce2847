import { describe, expect, it } from 'vitest';
import { statementTimeoutSql, withClientTimeout } from './timeouts';

describe('statement timeouts', () => {
  it('speaks each flavor’s unit: MariaDB seconds, MySQL milliseconds', () => {
    expect(statementTimeoutSql('mariadb', 30_000)).toBe('SET SESSION max_statement_time = 30');
    expect(statementTimeoutSql('mariadb', 500)).toBe('SET SESSION max_statement_time = 0.5');
    expect(statementTimeoutSql('mysql', 30_000)).toBe('SET SESSION MAX_EXECUTION_TIME = 30000');
  });

  it('adds the client timeout to callback queries only, keeping one the caller set', () => {
    const cb = () => undefined;
    expect(withClientTimeout(['SELECT 1', [], cb], 900)).toEqual([{ sql: 'SELECT 1', timeout: 900 }, [], cb]);
    expect(withClientTimeout(['SELECT 1', cb], 900)).toEqual([{ sql: 'SELECT 1', timeout: 900 }, cb, undefined]);
    expect(withClientTimeout([{ sql: 'SELECT 1', rowsAsArray: true }, [], cb], 900)).toEqual([{ sql: 'SELECT 1', rowsAsArray: true, timeout: 900 }, [], cb]);
    expect(withClientTimeout([{ sql: 'SELECT 1', timeout: 5 }, [], cb], 900)).toEqual([{ sql: 'SELECT 1', timeout: 5 }, [], cb]);
    // A streamed read has no callback: it runs as long as its reader takes.
    expect(withClientTimeout(['SELECT * FROM deal', []], 900)).toEqual(['SELECT * FROM deal', []]);
  });
});
