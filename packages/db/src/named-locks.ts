import { createHash } from 'node:crypto';
import type { EntityManager } from 'typeorm';

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
