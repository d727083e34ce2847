import { randomBytes } from 'node:crypto';
import { createConnection } from 'mysql2/promise';

/** Where integration tests find MariaDB/MySQL; the server must allow creating databases. */
export const TEST_MYSQL_URL = process.env.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test';

export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

/**
 * Creates a new, empty database for one test run so runs never see each other's rows, and
 * returns its URL. Migrations then build the schema exactly as in production.
 */
export async function createTestDatabase(label: string): Promise<TestDatabase> {
  const name = `hub_${label}_${process.pid}_${randomBytes(3).toString('hex')}`.replace(/[^a-zA-Z0-9_]/g, '_');
  const admin = new URL(TEST_MYSQL_URL);
  const connection = await createConnection({
    host: admin.hostname,
    port: Number(admin.port || 3306),
    user: decodeURIComponent(admin.username || 'root'),
    password: decodeURIComponent(admin.password),
  });
  try {
    await connection.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  } finally {
    await connection.end();
  }
  const url = new URL(TEST_MYSQL_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    drop: async () => {
      const dropper = await createConnection({
        host: admin.hostname,
        port: Number(admin.port || 3306),
        user: decodeURIComponent(admin.username || 'root'),
        password: decodeURIComponent(admin.password),
      });
      try {
        await dropper.query(`DROP DATABASE IF EXISTS \`${name}\``);
      } finally {
        await dropper.end();
      }
    },
  };
}
