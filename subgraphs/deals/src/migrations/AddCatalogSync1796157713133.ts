import type { MigrationInterface, QueryRunner } from 'typeorm';
import { runForDialect } from '@hub/db';

/** How many SKUs licenses' whole catalog holds, from its catalog.published: deals' copy is complete at that count. */
export class AddCatalogSync1796157713133 implements MigrationInterface {
  name = 'AddCatalogSync1796157713133';

  async up(queryRunner: QueryRunner): Promise<void> {
    await runForDialect(queryRunner, {
      mysql: [
      "CREATE TABLE `catalog_sync` (`id` varchar(16) NOT NULL, `expectedSkus` int NOT NULL, `publishedAt` datetime(3) NOT NULL, PRIMARY KEY (`id`)) ENGINE=InnoDB",
      ],
      sqlite: [
      "CREATE TABLE \"catalog_sync\" (\"id\" varchar(16) PRIMARY KEY NOT NULL, \"expectedSkus\" integer NOT NULL, \"publishedAt\" datetime(3) NOT NULL)",
      ],
    });
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await runForDialect(queryRunner, {
      mysql: [
      "DROP TABLE `catalog_sync`",
      ],
      sqlite: [
      "DROP TABLE \"catalog_sync\"",
      ],
    });
  }
}
