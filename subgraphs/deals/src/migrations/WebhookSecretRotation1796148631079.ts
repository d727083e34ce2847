import type { MigrationInterface, QueryRunner } from 'typeorm';
import { runForDialect } from '@hub/db';

export class WebhookSecretRotation1796148631079 implements MigrationInterface {
  name = 'WebhookSecretRotation1796148631079';

  async up(queryRunner: QueryRunner): Promise<void> {
    await runForDialect(queryRunner, {
      // Generated as DROP COLUMN + ADD for the wider `secret`, which would lose every endpoint's
      // secret; MODIFY keeps them. Clear secrets are sealed when deals starts (it holds the key).
      mysql: [
      "ALTER TABLE `webhook_endpoint` ADD `previousSecret` varchar(255) NULL",
      "ALTER TABLE `webhook_endpoint` ADD `previousSecretExpiresAt` datetime(3) NULL",
      "ALTER TABLE `webhook_endpoint` MODIFY `secret` varchar(255) NOT NULL",
      ],
      sqlite: [
      "DROP INDEX \"idx_webhook_endpoint_distributor\"",
      "CREATE TABLE \"temporary_webhook_endpoint\" (\"id\" varchar(36) PRIMARY KEY NOT NULL, \"distributorId\" varchar(36) NOT NULL, \"url\" varchar(2000) NOT NULL, \"secret\" varchar(100) NOT NULL, \"active\" boolean NOT NULL, \"createdAt\" datetime(3) NOT NULL, \"previousSecret\" varchar(255), \"previousSecretExpiresAt\" datetime(3))",
      "INSERT INTO \"temporary_webhook_endpoint\"(\"id\", \"distributorId\", \"url\", \"secret\", \"active\", \"createdAt\") SELECT \"id\", \"distributorId\", \"url\", \"secret\", \"active\", \"createdAt\" FROM \"webhook_endpoint\"",
      "DROP TABLE \"webhook_endpoint\"",
      "ALTER TABLE \"temporary_webhook_endpoint\" RENAME TO \"webhook_endpoint\"",
      "CREATE INDEX \"idx_webhook_endpoint_distributor\" ON \"webhook_endpoint\" (\"distributorId\", \"id\") ",
      "DROP INDEX \"idx_webhook_endpoint_distributor\"",
      "CREATE TABLE \"temporary_webhook_endpoint\" (\"id\" varchar(36) PRIMARY KEY NOT NULL, \"distributorId\" varchar(36) NOT NULL, \"url\" varchar(2000) NOT NULL, \"secret\" varchar(255) NOT NULL, \"active\" boolean NOT NULL, \"createdAt\" datetime(3) NOT NULL, \"previousSecret\" varchar(255), \"previousSecretExpiresAt\" datetime(3))",
      "INSERT INTO \"temporary_webhook_endpoint\"(\"id\", \"distributorId\", \"url\", \"secret\", \"active\", \"createdAt\", \"previousSecret\", \"previousSecretExpiresAt\") SELECT \"id\", \"distributorId\", \"url\", \"secret\", \"active\", \"createdAt\", \"previousSecret\", \"previousSecretExpiresAt\" FROM \"webhook_endpoint\"",
      "DROP TABLE \"webhook_endpoint\"",
      "ALTER TABLE \"temporary_webhook_endpoint\" RENAME TO \"webhook_endpoint\"",
      "CREATE INDEX \"idx_webhook_endpoint_distributor\" ON \"webhook_endpoint\" (\"distributorId\", \"id\") ",
      ],
    });
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await runForDialect(queryRunner, {
      // Sealed secrets do not fit the old width: going back needs the endpoints re-registered.
      mysql: [
      "ALTER TABLE `webhook_endpoint` MODIFY `secret` varchar(100) NOT NULL",
      "ALTER TABLE `webhook_endpoint` DROP COLUMN `previousSecretExpiresAt`",
      "ALTER TABLE `webhook_endpoint` DROP COLUMN `previousSecret`",
      ],
      sqlite: [
      "DROP INDEX \"idx_webhook_endpoint_distributor\"",
      "ALTER TABLE \"webhook_endpoint\" RENAME TO \"temporary_webhook_endpoint\"",
      "CREATE TABLE \"webhook_endpoint\" (\"id\" varchar(36) PRIMARY KEY NOT NULL, \"distributorId\" varchar(36) NOT NULL, \"url\" varchar(2000) NOT NULL, \"secret\" varchar(100) NOT NULL, \"active\" boolean NOT NULL, \"createdAt\" datetime(3) NOT NULL, \"previousSecret\" varchar(255), \"previousSecretExpiresAt\" datetime(3))",
      "INSERT INTO \"webhook_endpoint\"(\"id\", \"distributorId\", \"url\", \"secret\", \"active\", \"createdAt\", \"previousSecret\", \"previousSecretExpiresAt\") SELECT \"id\", \"distributorId\", \"url\", \"secret\", \"active\", \"createdAt\", \"previousSecret\", \"previousSecretExpiresAt\" FROM \"temporary_webhook_endpoint\"",
      "DROP TABLE \"temporary_webhook_endpoint\"",
      "CREATE INDEX \"idx_webhook_endpoint_distributor\" ON \"webhook_endpoint\" (\"distributorId\", \"id\") ",
      "DROP INDEX \"idx_webhook_endpoint_distributor\"",
      "ALTER TABLE \"webhook_endpoint\" RENAME TO \"temporary_webhook_endpoint\"",
      "CREATE TABLE \"webhook_endpoint\" (\"id\" varchar(36) PRIMARY KEY NOT NULL, \"distributorId\" varchar(36) NOT NULL, \"url\" varchar(2000) NOT NULL, \"secret\" varchar(100) NOT NULL, \"active\" boolean NOT NULL, \"createdAt\" datetime(3) NOT NULL)",
      "INSERT INTO \"webhook_endpoint\"(\"id\", \"distributorId\", \"url\", \"secret\", \"active\", \"createdAt\") SELECT \"id\", \"distributorId\", \"url\", \"secret\", \"active\", \"createdAt\" FROM \"temporary_webhook_endpoint\"",
      "DROP TABLE \"temporary_webhook_endpoint\"",
      "CREATE INDEX \"idx_webhook_endpoint_distributor\" ON \"webhook_endpoint\" (\"distributorId\", \"id\") ",
      ],
    });
  }
}
