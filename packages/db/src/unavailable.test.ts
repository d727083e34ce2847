import { QueryFailedError } from 'typeorm';
import { describe, expect, it } from 'vitest';
import { databaseUnavailable } from './unavailable';

const coded = (code: string, errno?: number, message = code) => Object.assign(new Error(message), { code, errno });

describe('databaseUnavailable', () => {
  it.each([
    ['ECONNREFUSED', 'UNREACHABLE'],
    ['ENOTFOUND', 'UNREACHABLE'],
    ['PROTOCOL_CONNECTION_LOST', 'CONNECTION_LOST'],
    ['ECONNRESET', 'CONNECTION_LOST'],
    ['ETIMEDOUT', 'TIMEOUT'],
    ['ER_STATEMENT_TIMEOUT', 'TIMEOUT'],
    ['ER_LOCK_WAIT_TIMEOUT', 'LOCK_TIMEOUT'],
    ['ER_LOCK_DEADLOCK', 'LOCK_TIMEOUT'],
    ['SQLITE_BUSY', 'BUSY'],
  ])('classifies a driver error coded %s as %s', (code, reason) => {
    expect(databaseUnavailable(coded(code))).toBe(reason);
  });

  it('looks inside TypeORM’s QueryFailedError at the driver’s error', () => {
    const failed = new QueryFailedError('SELECT 1', [], coded('ER_LOCK_WAIT_TIMEOUT', 1205, 'Lock wait timeout exceeded; try restarting transaction'));
    expect(databaseUnavailable(failed)).toBe('LOCK_TIMEOUT');
  });

  it('reads MariaDB’s statement timeout by its errno when the code is unknown to the driver', () => {
    expect(databaseUnavailable(coded('UNKNOWN_CODE_PLEASE_REPORT', 1969, 'Query execution was interrupted (max_statement_time exceeded)'))).toBe('TIMEOUT');
  });

  it('follows cause and AggregateError (a connect tried on several addresses)', () => {
    expect(databaseUnavailable(new Error('wrapped', { cause: coded('ECONNREFUSED') }))).toBe('UNREACHABLE');
    expect(databaseUnavailable(new AggregateError([coded('ECONNREFUSED'), coded('ECONNREFUSED')], ''))).toBe('UNREACHABLE');
  });

  it('recognises the pool’s own uncoded refusals', () => {
    expect(databaseUnavailable(new Error('Pool is closed.'))).toBe('UNREACHABLE');
    expect(databaseUnavailable(new Error('Queue limit reached.'))).toBe('TIMEOUT');
  });

  it('leaves every other error alone: constraint violations, syntax, bugs', () => {
    expect(databaseUnavailable(coded('ER_DUP_ENTRY', 1062))).toBeNull();
    expect(databaseUnavailable(new QueryFailedError('SELEC', [], coded('ER_PARSE_ERROR', 1064)))).toBeNull();
    expect(databaseUnavailable(coded('SQLITE_CONSTRAINT_UNIQUE'))).toBeNull();
    expect(databaseUnavailable(new TypeError('x is undefined'))).toBeNull();
    expect(databaseUnavailable(undefined)).toBeNull();
  });

  it('does not loop on an error that is its own cause', () => {
    const error = new Error('loop');
    (error as { cause?: unknown }).cause = error;
    expect(databaseUnavailable(error)).toBeNull();
  });
});
