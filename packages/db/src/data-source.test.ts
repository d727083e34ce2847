import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from './data-source';

describe('the embedded SQLite database', () => {
  const directory = mkdtempSync(join(tmpdir(), 'hub-db-'));
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it('runs in WAL mode with synchronous=NORMAL, a 64 MB page cache, in-memory temporary storage and foreign keys', async () => {
    const database = await openDatabase({ sqliteFile: join(directory, 'hub.sqlite'), entities: [], migrations: [] });
    try {
      const pragma = async (name: string) => Object.values(((await database.dataSource.query(`PRAGMA ${name}`)) as Record<string, unknown>[])[0]!)[0];
      expect(await pragma('journal_mode')).toBe('wal');
      expect(await pragma('synchronous')).toBe(1); // NORMAL
      expect(await pragma('cache_size')).toBe(-65536);
      expect(await pragma('temp_store')).toBe(2); // MEMORY
      expect(await pragma('foreign_keys')).toBe(1);
    } finally {
      await database.dataSource.destroy();
    }
  });
});
