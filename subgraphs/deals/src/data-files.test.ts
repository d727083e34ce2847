import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDealsDatabase } from './server';

const mode = (path: string) => statSync(path).mode & 0o777;

describe('the embedded SQLite files', () => {
  const root = mkdtempSync(join(tmpdir(), 'deals-modes-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('are readable by their owner only: DATA_DIR 0700, the database and its -wal and -shm 0600', async () => {
    const dataDir = join(root, 'fresh', '.data');
    const file = join(dataDir, 'deals.sqlite');
    const database = await openDealsDatabase({ sqliteFile: file });
    try {
      // A write, so the WAL and its index exist.
      await database.dataSource.query("CREATE TABLE mode_probe (id text)");
      await database.dataSource.query("INSERT INTO mode_probe VALUES ('x')");
      expect(mode(dataDir)).toBe(0o700);
      expect(mode(join(root, 'fresh'))).toBe(0o700);
      for (const path of [file, `${file}-wal`, `${file}-shm`]) expect(mode(path), path).toBe(0o600);
    } finally {
      await database.dataSource.destroy();
    }
  });

  it('narrows a file an older version left world-readable', async () => {
    const file = join(root, 'old.sqlite');
    writeFileSync(file, '', { mode: 0o644 });
    expect(mode(file)).toBe(0o644);
    const database = await openDealsDatabase({ sqliteFile: file });
    await database.dataSource.destroy();
    expect(mode(file)).toBe(0o600);
  });
});
