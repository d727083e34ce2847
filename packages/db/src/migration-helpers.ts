import type { QueryRunner } from 'typeorm';

/** Runs the statements written for the connected dialect: MySQL/MariaDB or the embedded SQLite. */
export async function runForDialect(queryRunner: QueryRunner, statements: { mysql: string[]; sqlite: string[] }): Promise<void> {
  const type = queryRunner.connection.options.type;
  const queries = type === 'mysql' || type === 'mariadb' ? statements.mysql : statements.sqlite;
  for (const query of queries) await queryRunner.query(query);
}

/** The DDL still needed to match the entities; empty when migrations and entities agree. */
export async function pendingSchemaChanges(queryRunner: QueryRunner): Promise<string[]> {
  const sql = await queryRunner.connection.driver.createSchemaBuilder().log();
  return sql.upQueries.map((q) => q.query);
}
