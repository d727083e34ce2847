import { randomBytes } from 'node:crypto';
import { createConnection } from 'mysql2/promise';

/** Where integration tests find MariaDB/MySQL; the server must allow creating databases. */
export const TEST_MYSQL_URL = process.env.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test';

export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

/** Runs one statement on the server itself (no database selected). */
async function onServer(statement: string): Promise<void> {
  const server = new URL(TEST_MYSQL_URL.replace(/^mariadb:/, 'mysql:'));
  server.pathname = '/';
  const connection = await createConnection({ uri: server.toString() });
  try {
    await connection.query(statement);
  } finally {
    await connection.end();
  }
}

/**
 * Creates a new, empty database for one test run so runs never see each other's rows, and
 * returns its URL. Migrations then build the schema exactly as in production.
 */
export async function createTestDatabase(label: string): Promise<TestDatabase> {
  const name = `hub_${label}_${process.pid}_${randomBytes(3).toString('hex')}`.replace(/[^a-zA-Z0-9_]/g, '_');
  await onServer(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  const url = new URL(TEST_MYSQL_URL);
  url.pathname = `/${name}`;
  return { url: url.toString(), name, drop: () => onServer(`DROP DATABASE IF EXISTS \`${name}\``) };
}
