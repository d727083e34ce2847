import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Entity, PrimaryColumn } from 'typeorm';
import { createTestDatabase, type TestDatabase } from '@hub/testing';
import { DateColumn, MoneyColumn } from './columns';
import { createDatabase, detectMysqlFlavor, type Database } from './data-source';

@Entity('column_probe')
class ProbeEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @MoneyColumn()
  amount: bigint;

  @DateColumn()
  day: string;
}

/** What the column guards and the transaction runner promise, on MariaDB and on the embedded SQLite file. */
describe.each(['mysql', 'sqlite'] as const)('money and date columns, and rollback, on %s', (dialect) => {
  let database: Database;
  let testDb: TestDatabase | undefined;

  beforeAll(async () => {
    if (dialect === 'mysql') testDb = await createTestDatabase('columns');
    const options = { url: testDb?.url, entities: [ProbeEntity], migrations: [] };
    database = createDatabase(options, testDb ? await detectMysqlFlavor(testDb.url) : undefined);
    await database.dataSource.initialize();
    await database.dataSource.synchronize();
  });

  afterAll(async () => {
    await database?.dataSource.destroy();
    await testDb?.drop();
  });

  const count = () => database.dataSource.manager.count(ProbeEntity);
  const probe = (id: string, amount: bigint, day = '2026-06-15') => Object.assign(new ProbeEntity(), { id, amount, day });

  it('reads back ±(2^53 − 1) minor units exactly', async () => {
    const largest = 9007199254740991n;
    await database.transaction((manager) => manager.insert(ProbeEntity, [probe('max', largest), probe('min', -largest)]));
    const rows = await database.dataSource.manager.find(ProbeEntity, { order: { id: 'ASC' } });
    expect(rows.map((row) => [row.id, row.amount, row.day])).toEqual([
      ['max', largest, '2026-06-15'],
      ['min', -largest, '2026-06-15'],
    ]);
  });

  it.each([
    ['an amount of 2^53 minor units', probe('big', 9007199254740992n)],
    ['an amount of -(2^53) minor units', probe('small', -9007199254740992n)],
    ['a date past year 9999', probe('late', 1n, '+010000-06')],
    ['a date that is no calendar date', probe('feb', 1n, '2026-02-30')],
  ])('refuses %s inside the transaction, so nothing it wrote before commits', async (_case, bad) => {
    const before = await count();
    const attempt = database.transaction(async (manager) => {
      await manager.insert(ProbeEntity, probe(`ok-${bad.id}`, 5n));
      await manager.insert(ProbeEntity, bad);
    });
    await expect(attempt).rejects.toThrow(RangeError);
    expect(await count()).toBe(before);
  });

  it('rolls back everything a transaction wrote when its work throws after the writes', async () => {
    const before = await count();
    const attempt = database.transaction(async (manager) => {
      await manager.insert(ProbeEntity, probe('written-then-refused', 7n));
      throw new Error('refused after writing');
    });
    await expect(attempt).rejects.toThrow('refused after writing');
    expect(await count()).toBe(before);
    expect(await database.dataSource.manager.existsBy(ProbeEntity, { id: 'written-then-refused' })).toBe(false);
  });
});
