import type { MigrationInterface, QueryRunner } from 'typeorm';
import { runForDialect } from '@hub/db';

export class AddWebhooks1795305180519 implements MigrationInterface {
  name = 'AddWebhooks1795305180519';

  async up(queryRunner: QueryRunner): Promise<void> {
    await runForDialect(queryRunner, {
      mysql: [
      "CREATE TABLE `webhook_attempt` (`id` varchar(36) NOT NULL, `deliveryId` varchar(36) NOT NULL, `attemptedAt` datetime(3) NOT NULL, `statusCode` int NULL, `error` varchar(1000) NULL, `durationMs` int NOT NULL, INDEX `idx_webhook_attempt_delivery` (`deliveryId`, `id`), PRIMARY KEY (`id`)) ENGINE=InnoDB",
      "CREATE TABLE `webhook_delivery` (`id` varchar(36) NOT NULL, `endpointId` varchar(36) NOT NULL, `eventId` varchar(36) NOT NULL, `eventType` varchar(100) NOT NULL, `occurredAt` datetime(3) NOT NULL, `payload` text NOT NULL, `status` varchar(16) NOT NULL, `attempts` int NOT NULL, `nextAttemptAt` datetime(3) NULL, `lastStatusCode` int NULL, `lastError` varchar(1000) NULL, `deliveredAt` datetime(3) NULL, `createdAt` datetime(3) NOT NULL, INDEX `idx_webhook_delivery_due` (`status`, `nextAttemptAt`), UNIQUE INDEX `uq_webhook_delivery_event` (`endpointId`, `eventId`), PRIMARY KEY (`id`)) ENGINE=InnoDB",
      "CREATE TABLE `webhook_endpoint` (`id` varchar(36) NOT NULL, `distributorId` varchar(36) NOT NULL, `url` varchar(2000) NOT NULL, `secret` varchar(100) NOT NULL, `active` tinyint NOT NULL, `createdAt` datetime(3) NOT NULL, INDEX `idx_webhook_endpoint_distributor` (`distributorId`, `id`), PRIMARY KEY (`id`)) ENGINE=InnoDB",
      ],
      sqlite: [
      "CREATE TABLE \"webhook_attempt\" (\"id\" varchar(36) PRIMARY KEY NOT NULL, \"deliveryId\" varchar(36) NOT NULL, \"attemptedAt\" datetime(3) NOT NULL, \"statusCode\" integer, \"error\" varchar(1000), \"durationMs\" integer NOT NULL)",
      "CREATE INDEX \"idx_webhook_attempt_delivery\" ON \"webhook_attempt\" (\"deliveryId\", \"id\") ",
      "CREATE TABLE \"webhook_delivery\" (\"id\" varchar(36) PRIMARY KEY NOT NULL, \"endpointId\" varchar(36) NOT NULL, \"eventId\" varchar(36) NOT NULL, \"eventType\" varchar(100) NOT NULL, \"occurredAt\" datetime(3) NOT NULL, \"payload\" text NOT NULL, \"status\" varchar(16) NOT NULL, \"attempts\" integer NOT NULL, \"nextAttemptAt\" datetime(3), \"lastStatusCode\" integer, \"lastError\" varchar(1000), \"deliveredAt\" datetime(3), \"createdAt\" datetime(3) NOT NULL)",
      "CREATE INDEX \"idx_webhook_delivery_due\" ON \"webhook_delivery\" (\"status\", \"nextAttemptAt\") ",
      "CREATE UNIQUE INDEX \"uq_webhook_delivery_event\" ON \"webhook_delivery\" (\"endpointId\", \"eventId\") ",
      "CREATE TABLE \"webhook_endpoint\" (\"id\" varchar(36) PRIMARY KEY NOT NULL, \"distributorId\" varchar(36) NOT NULL, \"url\" varchar(2000) NOT NULL, \"secret\" varchar(100) NOT NULL, \"active\" boolean NOT NULL, \"createdAt\" datetime(3) NOT NULL)",
      "CREATE INDEX \"idx_webhook_endpoint_distributor\" ON \"webhook_endpoint\" (\"distributorId\", \"id\") ",
      ],
    });
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await runForDialect(queryRunner, {
      mysql: [
      "DROP INDEX `idx_webhook_endpoint_distributor` ON `webhook_endpoint`",
      "DROP TABLE `webhook_endpoint`",
      "DROP INDEX `uq_webhook_delivery_event` ON `webhook_delivery`",
      "DROP INDEX `idx_webhook_delivery_due` ON `webhook_delivery`",
      "DROP TABLE `webhook_delivery`",
      "DROP INDEX `idx_webhook_attempt_delivery` ON `webhook_attempt`",
      "DROP TABLE `webhook_attempt`",
      ],
      sqlite: [
      "DROP INDEX \"idx_webhook_endpoint_distributor\"",
      "DROP TABLE \"webhook_endpoint\"",
      "DROP INDEX \"uq_webhook_delivery_event\"",
      "DROP INDEX \"idx_webhook_delivery_due\"",
      "DROP TABLE \"webhook_delivery\"",
      "DROP INDEX \"idx_webhook_attempt_delivery\"",
      "DROP TABLE \"webhook_attempt\"",
      ],
    });
  }
}
