import { DataSource } from 'typeorm';
import { afterAll, describe, expect, it } from 'vitest';
import { forUpdate } from './named-locks';

// Neither data source connects: building a query's SQL needs only its driver.
const mysql = new DataSource({ type: 'mysql' });
const sqlite = new DataSource({ type: 'better-sqlite3', database: ':memory:' });
afterAll(async () => {
  if (sqlite.isInitialized) await sqlite.destroy();
});

const claim = (dataSource: DataSource) => dataSource.createQueryBuilder().select('job.id').from('job', 'job').where('job.id = :id', { id: 1 });

describe('forUpdate', () => {
  it('locks the rows read on MySQL/MariaDB', () => {
    const sql = forUpdate(claim(mysql), 'mysql').getQuery();
    expect(sql).toMatch(/FOR UPDATE$/);
    expect(sql).not.toContain('SKIP LOCKED');
  });

  it('passes over rows another transaction holds when asked to skip them, on MySQL/MariaDB', () => {
    expect(forUpdate(claim(mysql), 'mysql', { skipLocked: true }).getQuery()).toMatch(/FOR UPDATE SKIP LOCKED$/);
  });

  it('leaves the query unchanged on SQLite, whose driver refuses lock clauses', () => {
    const plain = claim(sqlite).getQuery();
    expect(forUpdate(claim(sqlite), 'sqlite').getQuery()).toBe(plain);
    expect(forUpdate(claim(sqlite), 'sqlite', { skipLocked: true }).getQuery()).toBe(plain);
    expect(plain).not.toContain('FOR UPDATE');
  });

  it('returns the query it was given, so calls chain', () => {
    const query = claim(mysql);
    expect(forUpdate(query, 'mysql')).toBe(query);
  });
});
