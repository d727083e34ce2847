import type { MigrationInterface, QueryRunner } from 'typeorm';
import { runForDialect } from '@hub/db';

export class AddDealFeed1796164900811 implements MigrationInterface {
  name = 'AddDealFeed1796164900811';

  async up(queryRunner: QueryRunner): Promise<void> {
    await runForDialect(queryRunner, {
      mysql: [
      "CREATE TABLE `deal_feed` (`position` bigint NOT NULL, `eventId` varchar(36) NOT NULL, `type` varchar(40) NOT NULL, `dealId` varchar(36) NOT NULL, `partnerId` varchar(36) NOT NULL, `referringPartnerId` varchar(36) NULL, `distributorId` varchar(36) NULL, `occurredAt` datetime(3) NOT NULL, `payload` text NOT NULL, UNIQUE INDEX `uq_deal_feed_event` (`eventId`), INDEX `idx_deal_feed_occurred` (`occurredAt`), INDEX `idx_deal_feed_distributor` (`distributorId`, `position`), INDEX `idx_deal_feed_referrer` (`referringPartnerId`, `position`), INDEX `idx_deal_feed_partner` (`partnerId`, `position`), PRIMARY KEY (`position`)) ENGINE=InnoDB",
      "CREATE TABLE `deal_feed_head` (`id` int NOT NULL, `position` bigint NOT NULL, PRIMARY KEY (`id`)) ENGINE=InnoDB",
      // The feed starts empty: deals changed before it existed are read through `deals`.
      "INSERT INTO `deal_feed_head` (`id`, `position`) VALUES (1, 0)",
      ],
      sqlite: [
      "CREATE TABLE \"deal_feed\" (\"position\" bigint PRIMARY KEY NOT NULL, \"eventId\" varchar(36) NOT NULL, \"type\" varchar(40) NOT NULL, \"dealId\" varchar(36) NOT NULL, \"partnerId\" varchar(36) NOT NULL, \"referringPartnerId\" varchar(36), \"distributorId\" varchar(36), \"occurredAt\" datetime(3) NOT NULL, \"payload\" text NOT NULL)",
      "CREATE UNIQUE INDEX \"uq_deal_feed_event\" ON \"deal_feed\" (\"eventId\") ",
      "CREATE INDEX \"idx_deal_feed_occurred\" ON \"deal_feed\" (\"occurredAt\") ",
      "CREATE INDEX \"idx_deal_feed_distributor\" ON \"deal_feed\" (\"distributorId\", \"position\") ",
      "CREATE INDEX \"idx_deal_feed_referrer\" ON \"deal_feed\" (\"referringPartnerId\", \"position\") ",
      "CREATE INDEX \"idx_deal_feed_partner\" ON \"deal_feed\" (\"partnerId\", \"position\") ",
      "CREATE TABLE \"deal_feed_head\" (\"id\" integer PRIMARY KEY NOT NULL, \"position\" bigint NOT NULL)",
      "INSERT INTO \"deal_feed_head\" (\"id\", \"position\") VALUES (1, 0)",
      ],
    });
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await runForDialect(queryRunner, {
      mysql: [
      "DROP TABLE `deal_feed_head`",
      "DROP INDEX `idx_deal_feed_partner` ON `deal_feed`",
      "DROP INDEX `idx_deal_feed_referrer` ON `deal_feed`",
      "DROP INDEX `idx_deal_feed_distributor` ON `deal_feed`",
      "DROP INDEX `idx_deal_feed_occurred` ON `deal_feed`",
      "DROP INDEX `uq_deal_feed_event` ON `deal_feed`",
      "DROP TABLE `deal_feed`",
      ],
      sqlite: [
      "DROP TABLE \"deal_feed_head\"",
      "DROP INDEX \"idx_deal_feed_partner\"",
      "DROP INDEX \"idx_deal_feed_referrer\"",
      "DROP INDEX \"idx_deal_feed_distributor\"",
      "DROP INDEX \"idx_deal_feed_occurred\"",
      "DROP INDEX \"uq_deal_feed_event\"",
      "DROP TABLE \"deal_feed\"",
      ],
    });
  }
}
