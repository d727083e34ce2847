import { createHash } from 'node:crypto';
import type { EntityManager, ObjectLiteral, SelectQueryBuilder } from 'typeorm';

/**
 * Serialises transactions on names rather than rows: "this end customer", which may have no row
 * yet to lock. Each name is a row of `table` (one varchar(64) primary key `lockKey`), created on
 * demand; the upsert takes its exclusive lock until the transaction ends. Names are hashed (any
 * length fits) and taken in sorted order (no deadlock between two callers). SQLite runs one
 * writer at a time already, so there is nothing to do there.
 */
export async function lockNames(manager: EntityManager, dialect: 'mysql' | 'sqlite', table: string, names: readonly string[]): Promise<void> {
  if (dialect !== 'mysql') return;
  const keys = [...new Set(names)].map((name) => createHash('sha256').update(name).digest('hex')).sort();
  for (const key of keys) {
    await manager.query(`INSERT INTO \`${table}\` (lockKey) VALUES (?) ON DUPLICATE KEY UPDATE lockKey = lockKey`, [key]);
  }
}

/**
 * Makes `query` lock the rows it reads until the transaction ends (`FOR UPDATE`), on MySQL and
 * MariaDB. With `skipLocked`, rows another transaction holds are passed over rather than waited
 * for (`SKIP LOCKED`): workers sharing a queue each claim different rows. SQLite's writers already
 * take turns (the database runs one writer transaction at a time), and its driver refuses lock
 * clauses, so the query is returned unchanged there.
 */
export function forUpdate<T extends ObjectLiteral>(query: SelectQueryBuilder<T>, dialect: 'mysql' | 'sqlite', options: { skipLocked?: boolean } = {}): SelectQueryBuilder<T> {
  if (dialect !== 'mysql') return query;
  query.setLock('pessimistic_write');
  if (options.skipLocked) query.setOnLocked('skip_locked');
  return query;
}
