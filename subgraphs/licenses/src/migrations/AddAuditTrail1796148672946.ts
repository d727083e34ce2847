import type { MigrationInterface, QueryRunner } from 'typeorm';
import { runForDialect } from '@hub/db';

export class AddAuditTrail1796148672946 implements MigrationInterface {
  name = 'AddAuditTrail1796148672946';

  async up(queryRunner: QueryRunner): Promise<void> {
    await runForDialect(queryRunner, {
      mysql: [
      "CREATE TABLE `audit_event` (`id` varchar(36) NOT NULL, `subgraph` varchar(50) NOT NULL, `actor` varchar(200) NOT NULL, `role` varchar(50) NOT NULL, `operation` varchar(200) NOT NULL, `rootField` varchar(200) NOT NULL, `targetIds` text NOT NULL, `requestId` varchar(100) NOT NULL, `at` datetime(3) NOT NULL, INDEX `IDX_c3f918421c00d170c75f92f41b` (`operation`, `at`, `id`), INDEX `IDX_b15466501f1265805f01cc5248` (`actor`, `at`, `id`), INDEX `IDX_5e17158fec0039930c5870f0e4` (`at`, `id`), PRIMARY KEY (`id`)) ENGINE=InnoDB",
      ],
      sqlite: [
      "CREATE TABLE \"audit_event\" (\"id\" varchar(36) PRIMARY KEY NOT NULL, \"subgraph\" varchar(50) NOT NULL, \"actor\" varchar(200) NOT NULL, \"role\" varchar(50) NOT NULL, \"operation\" varchar(200) NOT NULL, \"rootField\" varchar(200) NOT NULL, \"targetIds\" text NOT NULL, \"requestId\" varchar(100) NOT NULL, \"at\" datetime(3) NOT NULL)",
      "CREATE INDEX \"IDX_c3f918421c00d170c75f92f41b\" ON \"audit_event\" (\"operation\", \"at\", \"id\") ",
      "CREATE INDEX \"IDX_b15466501f1265805f01cc5248\" ON \"audit_event\" (\"actor\", \"at\", \"id\") ",
      "CREATE INDEX \"IDX_5e17158fec0039930c5870f0e4\" ON \"audit_event\" (\"at\", \"id\") ",
      ],
    });
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await runForDialect(queryRunner, {
      mysql: [
      "DROP INDEX `IDX_5e17158fec0039930c5870f0e4` ON `audit_event`",
      "DROP INDEX `IDX_b15466501f1265805f01cc5248` ON `audit_event`",
      "DROP INDEX `IDX_c3f918421c00d170c75f92f41b` ON `audit_event`",
      "DROP TABLE `audit_event`",
      ],
      sqlite: [
      "DROP INDEX \"IDX_5e17158fec0039930c5870f0e4\"",
      "DROP INDEX \"IDX_b15466501f1265805f01cc5248\"",
      "DROP INDEX \"IDX_c3f918421c00d170c75f92f41b\"",
      "DROP TABLE \"audit_event\"",
      ],
    });
  }
}
