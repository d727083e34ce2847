import type { MigrationInterface, QueryRunner } from 'typeorm';
import { runForDialect } from '@hub/db';

export class Initial1795304594223 implements MigrationInterface {
  name = 'Initial1795304594223';

  async up(queryRunner: QueryRunner): Promise<void> {
    await runForDialect(queryRunner, {
      mysql: [
      "CREATE TABLE `outbox` (`id` varchar(36) NOT NULL, `type` varchar(100) NOT NULL, `version` int NOT NULL, `source` varchar(50) NOT NULL, `aggregateId` varchar(100) NOT NULL, `payload` text NOT NULL, `occurredAt` datetime(3) NOT NULL, `publishedAt` datetime(3) NULL, INDEX `IDX_fdad88a54642fbb82d8439da27` (`publishedAt`, `id`), PRIMARY KEY (`id`)) ENGINE=InnoDB",
      "CREATE TABLE `processed_event` (`consumer` varchar(100) NOT NULL, `eventId` varchar(36) NOT NULL, `processedAt` datetime(3) NOT NULL, PRIMARY KEY (`consumer`, `eventId`)) ENGINE=InnoDB",
      "CREATE TABLE `deal_line` (`id` varchar(36) NOT NULL, `dealId` varchar(36) NOT NULL, `position` int NOT NULL, `sku` varchar(80) NOT NULL, `seats` int NOT NULL, `unitPrice` bigint NOT NULL, `amount` bigint NOT NULL, INDEX `idx_deal_line_deal` (`dealId`, `position`), PRIMARY KEY (`id`)) ENGINE=InnoDB",
      "CREATE TABLE `deal` (`id` varchar(36) NOT NULL, `partnerId` varchar(36) NOT NULL, `distributorId` varchar(36) NULL, `referringPartnerId` varchar(36) NULL, `programCode` varchar(32) NOT NULL, `customerName` varchar(200) NOT NULL, `customerKey` varchar(200) NOT NULL, `customerCountry` varchar(2) NOT NULL, `customerDomain` varchar(253) NULL, `type` varchar(16) NOT NULL, `productLine` varchar(40) NOT NULL, `segment` varchar(16) NOT NULL, `seats` int NOT NULL, `amount` bigint NOT NULL, `currency` varchar(3) NOT NULL, `status` varchar(16) NOT NULL, `expectedCloseDate` date NOT NULL, `registeredAt` datetime NOT NULL, `approvedAt` datetime NULL, `expiresAt` date NULL, `closedAt` date NULL, `reason` varchar(1000) NULL, `conflictWithId` varchar(36) NULL, `registeredBy` varchar(200) NOT NULL, `updatedAt` datetime NOT NULL, INDEX `idx_deal_domain` (`productLine`, `customerDomain`), INDEX `idx_deal_customer` (`productLine`, `customerKey`), INDEX `idx_deal_status` (`status`, `expiresAt`), INDEX `idx_deal_distributor` (`distributorId`, `id`), INDEX `idx_deal_partner` (`partnerId`, `id`), PRIMARY KEY (`id`)) ENGINE=InnoDB",
      "CREATE TABLE `partner_ref` (`id` varchar(36) NOT NULL, `name` varchar(200) NOT NULL, `programCode` varchar(32) NOT NULL, `currency` varchar(3) NOT NULL, `status` varchar(16) NOT NULL, `distributorIds` text NOT NULL, `updatedAt` datetime NOT NULL, PRIMARY KEY (`id`)) ENGINE=InnoDB",
      "CREATE TABLE `distributor_ref` (`id` varchar(36) NOT NULL, `name` varchar(200) NOT NULL, `updatedAt` datetime NOT NULL, PRIMARY KEY (`id`)) ENGINE=InnoDB",
      "CREATE TABLE `registration_policy` (`programCode` varchar(32) NOT NULL, `approvalValidityDays` int NOT NULL, `maxExtensionDays` int NOT NULL, PRIMARY KEY (`programCode`)) ENGINE=InnoDB",
      ],
      sqlite: [
      "CREATE TABLE \"outbox\" (\"id\" varchar(36) PRIMARY KEY NOT NULL, \"type\" varchar(100) NOT NULL, \"version\" integer NOT NULL, \"source\" varchar(50) NOT NULL, \"aggregateId\" varchar(100) NOT NULL, \"payload\" text NOT NULL, \"occurredAt\" datetime(3) NOT NULL, \"publishedAt\" datetime(3))",
      "CREATE INDEX \"IDX_fdad88a54642fbb82d8439da27\" ON \"outbox\" (\"publishedAt\", \"id\") ",
      "CREATE TABLE \"processed_event\" (\"consumer\" varchar(100) NOT NULL, \"eventId\" varchar(36) NOT NULL, \"processedAt\" datetime(3) NOT NULL, PRIMARY KEY (\"consumer\", \"eventId\"))",
      "CREATE TABLE \"deal_line\" (\"id\" varchar(36) PRIMARY KEY NOT NULL, \"dealId\" varchar(36) NOT NULL, \"position\" integer NOT NULL, \"sku\" varchar(80) NOT NULL, \"seats\" integer NOT NULL, \"unitPrice\" bigint NOT NULL, \"amount\" bigint NOT NULL)",
      "CREATE INDEX \"idx_deal_line_deal\" ON \"deal_line\" (\"dealId\", \"position\") ",
      "CREATE TABLE \"deal\" (\"id\" varchar(36) PRIMARY KEY NOT NULL, \"partnerId\" varchar(36) NOT NULL, \"distributorId\" varchar(36), \"referringPartnerId\" varchar(36), \"programCode\" varchar(32) NOT NULL, \"customerName\" varchar(200) NOT NULL, \"customerKey\" varchar(200) NOT NULL, \"customerCountry\" varchar(2) NOT NULL, \"customerDomain\" varchar(253), \"type\" varchar(16) NOT NULL, \"productLine\" varchar(40) NOT NULL, \"segment\" varchar(16) NOT NULL, \"seats\" integer NOT NULL, \"amount\" bigint NOT NULL, \"currency\" varchar(3) NOT NULL, \"status\" varchar(16) NOT NULL, \"expectedCloseDate\" date NOT NULL, \"registeredAt\" datetime NOT NULL, \"approvedAt\" datetime, \"expiresAt\" date, \"closedAt\" date, \"reason\" varchar(1000), \"conflictWithId\" varchar(36), \"registeredBy\" varchar(200) NOT NULL, \"updatedAt\" datetime NOT NULL)",
      "CREATE INDEX \"idx_deal_domain\" ON \"deal\" (\"productLine\", \"customerDomain\") ",
      "CREATE INDEX \"idx_deal_customer\" ON \"deal\" (\"productLine\", \"customerKey\") ",
      "CREATE INDEX \"idx_deal_status\" ON \"deal\" (\"status\", \"expiresAt\") ",
      "CREATE INDEX \"idx_deal_distributor\" ON \"deal\" (\"distributorId\", \"id\") ",
      "CREATE INDEX \"idx_deal_partner\" ON \"deal\" (\"partnerId\", \"id\") ",
      "CREATE TABLE \"partner_ref\" (\"id\" varchar(36) PRIMARY KEY NOT NULL, \"name\" varchar(200) NOT NULL, \"programCode\" varchar(32) NOT NULL, \"currency\" varchar(3) NOT NULL, \"status\" varchar(16) NOT NULL, \"distributorIds\" text NOT NULL, \"updatedAt\" datetime NOT NULL)",
      "CREATE TABLE \"distributor_ref\" (\"id\" varchar(36) PRIMARY KEY NOT NULL, \"name\" varchar(200) NOT NULL, \"updatedAt\" datetime NOT NULL)",
      "CREATE TABLE \"registration_policy\" (\"programCode\" varchar(32) PRIMARY KEY NOT NULL, \"approvalValidityDays\" integer NOT NULL, \"maxExtensionDays\" integer NOT NULL)",
      ],
    });
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await runForDialect(queryRunner, {
      mysql: [
      "DROP TABLE `registration_policy`",
      "DROP TABLE `distributor_ref`",
      "DROP TABLE `partner_ref`",
      "DROP INDEX `idx_deal_partner` ON `deal`",
      "DROP INDEX `idx_deal_distributor` ON `deal`",
      "DROP INDEX `idx_deal_status` ON `deal`",
      "DROP INDEX `idx_deal_customer` ON `deal`",
      "DROP INDEX `idx_deal_domain` ON `deal`",
      "DROP TABLE `deal`",
      "DROP INDEX `idx_deal_line_deal` ON `deal_line`",
      "DROP TABLE `deal_line`",
      "DROP TABLE `processed_event`",
      "DROP INDEX `IDX_fdad88a54642fbb82d8439da27` ON `outbox`",
      "DROP TABLE `outbox`",
      ],
      sqlite: [
      "DROP TABLE \"registration_policy\"",
      "DROP TABLE \"distributor_ref\"",
      "DROP TABLE \"partner_ref\"",
      "DROP INDEX \"idx_deal_partner\"",
      "DROP INDEX \"idx_deal_distributor\"",
      "DROP INDEX \"idx_deal_status\"",
      "DROP INDEX \"idx_deal_customer\"",
      "DROP INDEX \"idx_deal_domain\"",
      "DROP TABLE \"deal\"",
      "DROP INDEX \"idx_deal_line_deal\"",
      "DROP TABLE \"deal_line\"",
      "DROP TABLE \"processed_event\"",
      "DROP INDEX \"IDX_fdad88a54642fbb82d8439da27\"",
      "DROP TABLE \"outbox\"",
      ],
    });
  }
}
