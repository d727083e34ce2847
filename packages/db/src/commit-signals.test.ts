import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from './data-source';
import { signalOnCommit } from './commit-signals';

describe('commit signals', () => {
  let database: Database;
  const heard: string[][] = [];

  beforeAll(async () => {
    database = await openDatabase({ entities: [], migrations: [] });
    database.onCommit((signals) => heard.push([...signals]));
  });

  afterAll(() => database.dataSource.destroy());

  it('reach the listeners once the transaction has committed, each signal once', async () => {
    heard.length = 0;
    let heardInside = -1;
    await database.transaction(async (manager) => {
      signalOnCommit(manager, 'outbox');
      signalOnCommit(manager, 'outbox');
      signalOnCommit(manager, 'cache');
      heardInside = heard.length;
    });
    expect(heardInside).toBe(0);
    expect(heard).toEqual([['outbox', 'cache']]);
  });

  it('are dropped with a rolled-back transaction and not carried into the next one', async () => {
    heard.length = 0;
    await expect(
      database.transaction(async (manager) => {
        signalOnCommit(manager, 'outbox');
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    await database.transaction(async () => undefined);
    await database.transaction(async (manager) => signalOnCommit(manager, 'cache'));
    expect(heard).toEqual([['cache']]);
  });

  it('are ignored outside a transaction, and a listener can stop listening', async () => {
    heard.length = 0;
    signalOnCommit(database.dataSource.manager, 'outbox');
    const other: string[] = [];
    const stop = database.onCommit((signals) => other.push(...signals));
    stop();
    await database.transaction(async (manager) => signalOnCommit(manager, 'outbox'));
    expect(heard).toEqual([['outbox']]);
    expect(other).toEqual([]);
  });
});
