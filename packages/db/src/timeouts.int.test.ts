import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@hub/testing';
import { openDatabase, type Database } from './data-source';
import { databaseUnavailable } from './unavailable';

const QUERY_MS = 500;

async function failure(work: Promise<unknown>): Promise<{ error: unknown; ms: number }> {
  const started = Date.now();
  try {
    await work;
  } catch (error) {
    return { error, ms: Date.now() - started };
  }
  throw new Error('expected the statement to fail');
}

describe('database timeouts on MariaDB', () => {
  let testDb: TestDatabase;
  let database: Database;

  beforeAll(async () => {
    testDb = await createTestDatabase('timeouts');
    database = await openDatabase({ url: testDb.url, entities: [], migrations: [], timeouts: { queryMs: QUERY_MS, connectMs: 1_000 } });
    await database.dataSource.query('CREATE TABLE probe (id INT PRIMARY KEY, n INT NOT NULL)');
    await database.dataSource.query('INSERT INTO probe VALUES (1, 0)');
  });

  afterAll(async () => {
    await database?.dataSource.destroy();
    await testDb?.drop();
  });

  it('stops a statement that runs past the query timeout, as a retryable TIMEOUT, and the pool still serves', async () => {
    const { error, ms } = await failure(database.dataSource.query('SELECT SLEEP(5) AS slept FROM probe'));
    expect(databaseUnavailable(error)).toBe('TIMEOUT');
    expect(ms).toBeLessThan(QUERY_MS + 2_500);
    expect(await database.dataSource.query('SELECT n FROM probe WHERE id = 1')).toEqual([{ n: 0 }]);
  });

  it('bounds a wait for a row lock another transaction holds', async () => {
    const holder = database.dataSource.createQueryRunner();
    await holder.connect();
    await holder.startTransaction();
    try {
      await holder.query('SELECT n FROM probe WHERE id = 1 FOR UPDATE');
      const { error, ms } = await failure(database.transaction((manager) => manager.query('UPDATE probe SET n = n + 1 WHERE id = 1')));
      expect(databaseUnavailable(error)).not.toBeNull();
      expect(ms).toBeLessThan(QUERY_MS + 2_500);
    } finally {
      await holder.rollbackTransaction();
      await holder.release();
    }
    expect(await database.dataSource.query('SELECT n FROM probe WHERE id = 1')).toEqual([{ n: 0 }]);
  });

  it('gives up connecting to a server that accepts the socket but never speaks, within the connect timeout', async () => {
    const sockets: Socket[] = [];
    const silent: Server = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    try {
      const { error, ms } = await failure(
        openDatabase({ url: `mysql://root@127.0.0.1:${port}/none`, entities: [], migrations: [], timeouts: { connectMs: 300 } }),
      );
      expect(databaseUnavailable(error)).toBe('TIMEOUT');
      expect(ms).toBeLessThan(2_000);
    } finally {
      for (const socket of sockets) socket.destroy();
      silent.close();
    }
  });
});
