import type { MigrationInterface, QueryRunner } from 'typeorm';
import { runForDialect } from '@hub/db';

/** webhook_endpoint.eventTypes: what an endpoint receives; null (every endpoint before it) is every type. */
export class AddWebhookEventTypes1796161888262 implements MigrationInterface {
  name = 'AddWebhookEventTypes1796161888262';

  async up(queryRunner: QueryRunner): Promise<void> {
    await runForDialect(queryRunner, {
      mysql: [
      "ALTER TABLE `webhook_endpoint` ADD `eventTypes` text NULL",
      ],
      sqlite: [
      "DROP INDEX \"idx_webhook_endpoint_distributor\"",
      "CREATE TABLE \"temporary_webhook_endpoint\" (\"id\" varchar(36) PRIMARY KEY NOT NULL, \"distributorId\" varchar(36) NOT NULL, \"url\" varchar(2000) NOT NULL, \"secret\" varchar(255) NOT NULL, \"active\" boolean NOT NULL, \"createdAt\" datetime(3) NOT NULL, \"previousSecret\" varchar(255), \"previousSecretExpiresAt\" datetime(3), \"eventTypes\" text)",
      "INSERT INTO \"temporary_webhook_endpoint\"(\"id\", \"distributorId\", \"url\", \"secret\", \"active\", \"createdAt\", \"previousSecret\", \"previousSecretExpiresAt\") SELECT \"id\", \"distributorId\", \"url\", \"secret\", \"active\", \"createdAt\", \"previousSecret\", \"previousSecretExpiresAt\" FROM \"webhook_endpoint\"",
      "DROP TABLE \"webhook_endpoint\"",
      "ALTER TABLE \"temporary_webhook_endpoint\" RENAME TO \"webhook_endpoint\"",
      "CREATE INDEX \"idx_webhook_endpoint_distributor\" ON \"webhook_endpoint\" (\"distributorId\", \"id\") ",
      ],
    });
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await runForDialect(queryRunner, {
      mysql: [
      "ALTER TABLE `webhook_endpoint` DROP COLUMN `eventTypes`",
      ],
      sqlite: [
      "DROP INDEX \"idx_webhook_endpoint_distributor\"",
      "ALTER TABLE \"webhook_endpoint\" RENAME TO \"temporary_webhook_endpoint\"",
      "CREATE TABLE \"webhook_endpoint\" (\"id\" varchar(36) PRIMARY KEY NOT NULL, \"distributorId\" varchar(36) NOT NULL, \"url\" varchar(2000) NOT NULL, \"secret\" varchar(255) NOT NULL, \"active\" boolean NOT NULL, \"createdAt\" datetime(3) NOT NULL, \"previousSecret\" varchar(255), \"previousSecretExpiresAt\" datetime(3))",
      "INSERT INTO \"webhook_endpoint\"(\"id\", \"distributorId\", \"url\", \"secret\", \"active\", \"createdAt\", \"previousSecret\", \"previousSecretExpiresAt\") SELECT \"id\", \"distributorId\", \"url\", \"secret\", \"active\", \"createdAt\", \"previousSecret\", \"previousSecretExpiresAt\" FROM \"temporary_webhook_endpoint\"",
      "DROP TABLE \"temporary_webhook_endpoint\"",
      "CREATE INDEX \"idx_webhook_endpoint_distributor\" ON \"webhook_endpoint\" (\"distributorId\", \"id\") ",
      ],
    });
  }
}
