import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { formatError } from './errors';

// TypeORM's QueryFailedError keeps the driver's error as driverError (graphql-kit does not depend on typeorm).
class QueryFailedError extends Error {
  constructor(
    readonly query: string,
    readonly parameters: unknown[],
    readonly driverError: Error,
  ) {
    super(driverError.message);
  }
}

const fieldError = (original: Error) => new GraphQLError(original.message, { path: ['partner', 'name'], originalError: original });

describe('formatError and a database that cannot serve', () => {
  it('answers SERVICE_UNAVAILABLE, retryable, naming the database and never its address', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 10.1.2.3:3306'), { code: 'ECONNREFUSED' });
    const masked: unknown[] = [];
    const formatted = formatError(fieldError(refused).toJSON(), fieldError(refused), (error) => masked.push(error));
    expect(formatted).toEqual({
      message: 'The database is unavailable; retry shortly.',
      path: ['partner', 'name'],
      extensions: { code: 'SERVICE_UNAVAILABLE', retryable: true, part: 'database', reason: 'UNREACHABLE' },
    });
    expect(JSON.stringify(formatted)).not.toContain('10.1.2.3');
    expect(masked).toEqual([]);
  });

  it('reads a lock wait timeout inside TypeORM’s QueryFailedError', () => {
    const lock = new QueryFailedError('UPDATE deal …', [], Object.assign(new Error('Lock wait timeout exceeded'), { code: 'ER_LOCK_WAIT_TIMEOUT', errno: 1205 }));
    expect(formatError(fieldError(lock).toJSON(), fieldError(lock), () => undefined).extensions).toMatchObject({ code: 'SERVICE_UNAVAILABLE', retryable: true, reason: 'LOCK_TIMEOUT' });
  });

  it('still masks a database error that is a bug (bad SQL) as INTERNAL_SERVER_ERROR and logs it', () => {
    const bad = new QueryFailedError('SELEC 1', [], Object.assign(new Error('You have an error in your SQL syntax'), { code: 'ER_PARSE_ERROR', errno: 1064 }));
    const masked: unknown[] = [];
    expect(formatError(fieldError(bad).toJSON(), fieldError(bad), (error) => masked.push(error)).extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR' });
    expect(masked).toEqual([bad]);
  });
});
