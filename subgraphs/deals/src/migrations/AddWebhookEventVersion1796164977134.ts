import type { MigrationInterface, QueryRunner } from 'typeorm';
import { runForDialect } from '@hub/db';

/** webhook_delivery.eventVersion: the payload version a delivery sends as `version`; earlier rows were all version 1. */
export class AddWebhookEventVersion1796164977134 implements MigrationInterface {
  name = 'AddWebhookEventVersion1796164977134';

  async up(queryRunner: QueryRunner): Promise<void> {
    await runForDialect(queryRunner, {
      mysql: [
      "ALTER TABLE `webhook_delivery` ADD `eventVersion` int NOT NULL DEFAULT '1'",
      ],
      sqlite: [
      "DROP INDEX \"uq_webhook_delivery_event\"",
      "DROP INDEX \"idx_webhook_delivery_due\"",
      "CREATE TABLE \"temporary_webhook_delivery\" (\"id\" varchar(36) PRIMARY KEY NOT NULL, \"endpointId\" varchar(36) NOT NULL, \"eventId\" varchar(36) NOT NULL, \"eventType\" varchar(100) NOT NULL, \"occurredAt\" datetime(3) NOT NULL, \"payload\" text NOT NULL, \"status\" varchar(16) NOT NULL, \"attempts\" integer NOT NULL, \"nextAttemptAt\" datetime(3), \"lastStatusCode\" integer, \"lastError\" varchar(1000), \"deliveredAt\" datetime(3), \"createdAt\" datetime(3) NOT NULL, \"eventVersion\" integer NOT NULL DEFAULT (1))",
      "INSERT INTO \"temporary_webhook_delivery\"(\"id\", \"endpointId\", \"eventId\", \"eventType\", \"occurredAt\", \"payload\", \"status\", \"attempts\", \"nextAttemptAt\", \"lastStatusCode\", \"lastError\", \"deliveredAt\", \"createdAt\") SELECT \"id\", \"endpointId\", \"eventId\", \"eventType\", \"occurredAt\", \"payload\", \"status\", \"attempts\", \"nextAttemptAt\", \"lastStatusCode\", \"lastError\", \"deliveredAt\", \"createdAt\" FROM \"webhook_delivery\"",
      "DROP TABLE \"webhook_delivery\"",
      "ALTER TABLE \"temporary_webhook_delivery\" RENAME TO \"webhook_delivery\"",
      "CREATE UNIQUE INDEX \"uq_webhook_delivery_event\" ON \"webhook_delivery\" (\"endpointId\", \"eventId\") ",
      "CREATE INDEX \"idx_webhook_delivery_due\" ON \"webhook_delivery\" (\"status\", \"nextAttemptAt\") ",
      ],
    });
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await runForDialect(queryRunner, {
      mysql: [
      "ALTER TABLE `webhook_delivery` DROP COLUMN `eventVersion`",
      ],
      sqlite: [
      "DROP INDEX \"idx_webhook_delivery_due\"",
      "DROP INDEX \"uq_webhook_delivery_event\"",
      "ALTER TABLE \"webhook_delivery\" RENAME TO \"temporary_webhook_delivery\"",
      "CREATE TABLE \"webhook_delivery\" (\"id\" varchar(36) PRIMARY KEY NOT NULL, \"endpointId\" varchar(36) NOT NULL, \"eventId\" varchar(36) NOT NULL, \"eventType\" varchar(100) NOT NULL, \"occurredAt\" datetime(3) NOT NULL, \"payload\" text NOT NULL, \"status\" varchar(16) NOT NULL, \"attempts\" integer NOT NULL, \"nextAttemptAt\" datetime(3), \"lastStatusCode\" integer, \"lastError\" varchar(1000), \"deliveredAt\" datetime(3), \"createdAt\" datetime(3) NOT NULL)",
      "INSERT INTO \"webhook_delivery\"(\"id\", \"endpointId\", \"eventId\", \"eventType\", \"occurredAt\", \"payload\", \"status\", \"attempts\", \"nextAttemptAt\", \"lastStatusCode\", \"lastError\", \"deliveredAt\", \"createdAt\") SELECT \"id\", \"endpointId\", \"eventId\", \"eventType\", \"occurredAt\", \"payload\", \"status\", \"attempts\", \"nextAttemptAt\", \"lastStatusCode\", \"lastError\", \"deliveredAt\", \"createdAt\" FROM \"temporary_webhook_delivery\"",
      "DROP TABLE \"temporary_webhook_delivery\"",
      "CREATE INDEX \"idx_webhook_delivery_due\" ON \"webhook_delivery\" (\"status\", \"nextAttemptAt\") ",
      "CREATE UNIQUE INDEX \"uq_webhook_delivery_event\" ON \"webhook_delivery\" (\"endpointId\", \"eventId\") ",
      ],
    });
  }
}
