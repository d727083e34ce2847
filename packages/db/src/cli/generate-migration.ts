/**
 * Prints the DDL that would bring an empty MySQL and an empty SQLite database up to the given
 * entities, as the body of a new migration (`pnpm --filter <subgraph> migration:generate`).
 * Generated per dialect so the migrated schema equals what TypeORM expects, which the
 * migration drift test checks.
 */
import { createTestDatabase } from '@hub/testing';
import { createDatabase, detectMysqlFlavor } from '../data-source';

type EntityList = Parameters<typeof createDatabase>[0]['entities'];

async function pendingDdl(entities: EntityList, migrations: Parameters<typeof createDatabase>[0]['migrations'], url?: string) {
  const database = createDatabase({ url, entities, migrations }, url ? await detectMysqlFlavor(url) : undefined);
  await database.dataSource.initialize();
  try {
    await database.dataSource.runMigrations();
    const sql = await database.dataSource.driver.createSchemaBuilder().log();
    return { up: sql.upQueries.map((q) => q.query), down: sql.downQueries.map((q) => q.query).reverse() };
  } finally {
    await database.dataSource.destroy();
  }
}

export async function generateMigration(entities: EntityList, migrations: Parameters<typeof createDatabase>[0]['migrations'], className: string) {
  const scratch = await createTestDatabase('migration_gen');
  try {
    const mysql = await pendingDdl(entities, migrations, scratch.url);
    const sqlite = await pendingDdl(entities, migrations);
    const block = (queries: string[]) => queries.map((q) => `      ${JSON.stringify(q)},`).join('\n');
    return `import type { MigrationInterface, QueryRunner } from 'typeorm';
import { runForDialect } from '@hub/db';

export class ${className} implements MigrationInterface {
  name = '${className}';

  async up(queryRunner: QueryRunner): Promise<void> {
    await runForDialect(queryRunner, {
      mysql: [
${block(mysql.up)}
      ],
      sqlite: [
${block(sqlite.up)}
      ],
    });
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await runForDialect(queryRunner, {
      mysql: [
${block(mysql.down)}
      ],
      sqlite: [
${block(sqlite.down)}
      ],
    });
  }
}
`;
  } finally {
    await scratch.drop();
  }
}
