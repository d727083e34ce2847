import type { MigrationInterface, QueryRunner } from 'typeorm';
import { runForDialect } from '@hub/db';

/**
 * Deals' copy of the catalog, filled by the consumer of licenses' `catalog.sku_saved`. Existing
 * deals are not checked here: at this point the table is empty on every database (the events
 * arrive after start), so a check now would call every SKU unknown. Staff list the deals whose
 * lines the catalog does not cover with the `dealsOutsideCatalog` query, once it has arrived.
 */
export class AddCatalogSkuRefs1796156428311 implements MigrationInterface {
  name = 'AddCatalogSkuRefs1796156428311';

  async up(queryRunner: QueryRunner): Promise<void> {
    await runForDialect(queryRunner, {
      mysql: [
      "CREATE TABLE `catalog_sku_ref` (`code` varchar(80) NOT NULL, `name` varchar(200) NOT NULL, `productLine` varchar(40) NOT NULL, `billing` varchar(8) NOT NULL, `updatedAt` datetime(3) NOT NULL, PRIMARY KEY (`code`)) ENGINE=InnoDB",
      ],
      sqlite: [
      "CREATE TABLE \"catalog_sku_ref\" (\"code\" varchar(80) PRIMARY KEY NOT NULL, \"name\" varchar(200) NOT NULL, \"productLine\" varchar(40) NOT NULL, \"billing\" varchar(8) NOT NULL, \"updatedAt\" datetime(3) NOT NULL)",
      ],
    });
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await runForDialect(queryRunner, {
      mysql: [
      "DROP TABLE `catalog_sku_ref`",
      ],
      sqlite: [
      "DROP TABLE \"catalog_sku_ref\"",
      ],
    });
  }
}
