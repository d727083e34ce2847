import { describe, expect, it } from 'vitest';
import { isDuplicateKeyError } from './duplicate-key';

describe('isDuplicateKeyError', () => {
  it.each(['ER_DUP_ENTRY', 'SQLITE_CONSTRAINT_PRIMARYKEY', 'SQLITE_CONSTRAINT_UNIQUE'])('recognises %s, bare or wrapped by TypeORM', (code) => {
    expect(isDuplicateKeyError(Object.assign(new Error('dup'), { code }))).toBe(true);
    expect(isDuplicateKeyError(Object.assign(new Error('query failed'), { driverError: { code } }))).toBe(true);
  });

  it.each([
    ['a deadlock', Object.assign(new Error('deadlock'), { code: 'ER_LOCK_DEADLOCK' })],
    ['a foreign key violation', Object.assign(new Error('fk'), { driverError: { code: 'SQLITE_CONSTRAINT_FOREIGNKEY' } })],
    ['null', null],
    ['a string', 'ER_DUP_ENTRY'],
  ])('is false for %s', (_case, error) => {
    expect(isDuplicateKeyError(error)).toBe(false);
  });
});
