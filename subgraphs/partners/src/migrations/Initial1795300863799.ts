import type { MigrationInterface, QueryRunner } from 'typeorm';
import { runForDialect } from '@hub/db';

export class Initial1795300863799 implements MigrationInterface {
  name = 'Initial1795300863799';

  async up(queryRunner: QueryRunner): Promise<void> {
    await runForDialect(queryRunner, {
      mysql: [
      "CREATE TABLE `certification` (`id` varchar(36) NOT NULL, `personId` varchar(36) NOT NULL, `partnerId` varchar(36) NOT NULL, `specializationCode` varchar(40) NOT NULL, `kind` varchar(16) NOT NULL, `validFrom` date NOT NULL, `validUntil` date NOT NULL, `createdAt` datetime NOT NULL, INDEX `IDX_64b4bf80aea42d3960ce2074e3` (`personId`), INDEX `IDX_8b4e9ac327570be64b59eaec24` (`partnerId`), PRIMARY KEY (`id`)) ENGINE=InnoDB",
      "CREATE TABLE `distributor` (`id` varchar(36) NOT NULL, `name` varchar(200) NOT NULL, `countries` text NOT NULL, `handlesRenewals` tinyint NOT NULL, `usageBasedProgram` tinyint NOT NULL, `createdAt` datetime NOT NULL, PRIMARY KEY (`id`)) ENGINE=InnoDB",
      "CREATE TABLE `partner_distributor` (`partnerId` varchar(36) NOT NULL, `distributorId` varchar(36) NOT NULL, INDEX `IDX_73efa48156e99a34fe6af42f96` (`distributorId`), PRIMARY KEY (`partnerId`, `distributorId`)) ENGINE=InnoDB",
      "CREATE TABLE `partner` (`id` varchar(36) NOT NULL, `name` varchar(200) NOT NULL, `country` varchar(2) NOT NULL, `programCode` varchar(32) NOT NULL, `status` varchar(16) NOT NULL, `segmentFocus` varchar(16) NOT NULL, `businessModels` text NOT NULL, `channelManager` varchar(200) NULL, `createdAt` datetime NOT NULL, `updatedAt` datetime NOT NULL, INDEX `IDX_e4a2ee820022bfa5fe68a6e112` (`country`), INDEX `IDX_c811a2a5c933b8ea5c3e777c61` (`programCode`), INDEX `IDX_1e6bb91da0a67740bc8956b110` (`name`, `id`), PRIMARY KEY (`id`)) ENGINE=InnoDB",
      "CREATE TABLE `person` (`id` varchar(36) NOT NULL, `partnerId` varchar(36) NOT NULL, `name` varchar(200) NOT NULL, `email` varchar(254) NOT NULL, `createdAt` datetime NOT NULL, UNIQUE INDEX `IDX_78ea68bb9c5cc660c34b4e43ef` (`partnerId`, `email`), PRIMARY KEY (`id`)) ENGINE=InnoDB",
      "CREATE TABLE `program` (`code` varchar(32) NOT NULL, `name` varchar(200) NOT NULL, `currency` varchar(3) NOT NULL, `countries` text NOT NULL, `version` int NOT NULL, `effectiveFrom` date NOT NULL, `effectiveTo` date NULL, `noDowngradeUntil` date NULL, PRIMARY KEY (`code`)) ENGINE=InnoDB",
      "CREATE TABLE `review` (`id` varchar(36) NOT NULL, `partnerId` varchar(36) NOT NULL, `reviewedOn` date NOT NULL, `outcome` varchar(16) NOT NULL, `findings` text NOT NULL, `note` varchar(2000) NULL, `newTierCode` varchar(32) NULL, `effectiveFrom` date NULL, `reviewedBy` varchar(200) NOT NULL, `createdAt` datetime NOT NULL, INDEX `IDX_bf5bd76fd4d0f4bfcfd79d2ea7` (`partnerId`, `reviewedOn`), PRIMARY KEY (`id`)) ENGINE=InnoDB",
      "CREATE TABLE `specialization` (`id` varchar(80) NOT NULL, `programCode` varchar(32) NOT NULL, `code` varchar(40) NOT NULL, `name` varchar(100) NOT NULL, `productLine` varchar(40) NULL, `requiredSales` int NOT NULL, `requiredTechnical` int NOT NULL, UNIQUE INDEX `IDX_e682d6be3cf252943c5e5f2524` (`programCode`, `code`), PRIMARY KEY (`id`)) ENGINE=InnoDB",
      "CREATE TABLE `tier_assignment` (`id` varchar(36) NOT NULL, `partnerId` varchar(36) NOT NULL, `tierCode` varchar(32) NOT NULL, `effectiveFrom` date NOT NULL, `reason` varchar(500) NOT NULL, `assignedBy` varchar(200) NOT NULL, `assignedAt` datetime NOT NULL, INDEX `IDX_c2a5c1bce3b031fb1ef22c8ec9` (`tierCode`), INDEX `IDX_9ebb38eacda189cfcac5222144` (`partnerId`, `effectiveFrom`), PRIMARY KEY (`id`)) ENGINE=InnoDB",
      "CREATE TABLE `tier` (`id` varchar(64) NOT NULL, `programCode` varchar(32) NOT NULL, `code` varchar(32) NOT NULL, `name` varchar(100) NOT NULL, `rank` int NOT NULL, `minCertifiedStaff` int NOT NULL, `minRevenue` bigint NOT NULL, `capacity` int NULL, `legacyNames` text NOT NULL, UNIQUE INDEX `IDX_1bc51fd7290663d0b99e82616b` (`programCode`, `code`), PRIMARY KEY (`id`)) ENGINE=InnoDB",
      ],
      sqlite: [
      "CREATE TABLE \"certification\" (\"id\" varchar(36) PRIMARY KEY NOT NULL, \"personId\" varchar(36) NOT NULL, \"partnerId\" varchar(36) NOT NULL, \"specializationCode\" varchar(40) NOT NULL, \"kind\" varchar(16) NOT NULL, \"validFrom\" date NOT NULL, \"validUntil\" date NOT NULL, \"createdAt\" datetime NOT NULL)",
      "CREATE INDEX \"IDX_64b4bf80aea42d3960ce2074e3\" ON \"certification\" (\"personId\") ",
      "CREATE INDEX \"IDX_8b4e9ac327570be64b59eaec24\" ON \"certification\" (\"partnerId\") ",
      "CREATE TABLE \"distributor\" (\"id\" varchar(36) PRIMARY KEY NOT NULL, \"name\" varchar(200) NOT NULL, \"countries\" text NOT NULL, \"handlesRenewals\" boolean NOT NULL, \"usageBasedProgram\" boolean NOT NULL, \"createdAt\" datetime NOT NULL)",
      "CREATE TABLE \"partner_distributor\" (\"partnerId\" varchar(36) NOT NULL, \"distributorId\" varchar(36) NOT NULL, PRIMARY KEY (\"partnerId\", \"distributorId\"))",
      "CREATE INDEX \"IDX_73efa48156e99a34fe6af42f96\" ON \"partner_distributor\" (\"distributorId\") ",
      "CREATE TABLE \"partner\" (\"id\" varchar(36) PRIMARY KEY NOT NULL, \"name\" varchar(200) NOT NULL, \"country\" varchar(2) NOT NULL, \"programCode\" varchar(32) NOT NULL, \"status\" varchar(16) NOT NULL, \"segmentFocus\" varchar(16) NOT NULL, \"businessModels\" text NOT NULL, \"channelManager\" varchar(200), \"createdAt\" datetime NOT NULL, \"updatedAt\" datetime NOT NULL)",
      "CREATE INDEX \"IDX_e4a2ee820022bfa5fe68a6e112\" ON \"partner\" (\"country\") ",
      "CREATE INDEX \"IDX_c811a2a5c933b8ea5c3e777c61\" ON \"partner\" (\"programCode\") ",
      "CREATE INDEX \"IDX_1e6bb91da0a67740bc8956b110\" ON \"partner\" (\"name\", \"id\") ",
      "CREATE TABLE \"person\" (\"id\" varchar(36) PRIMARY KEY NOT NULL, \"partnerId\" varchar(36) NOT NULL, \"name\" varchar(200) NOT NULL, \"email\" varchar(254) NOT NULL, \"createdAt\" datetime NOT NULL)",
      "CREATE UNIQUE INDEX \"IDX_78ea68bb9c5cc660c34b4e43ef\" ON \"person\" (\"partnerId\", \"email\") ",
      "CREATE TABLE \"program\" (\"code\" varchar(32) PRIMARY KEY NOT NULL, \"name\" varchar(200) NOT NULL, \"currency\" varchar(3) NOT NULL, \"countries\" text NOT NULL, \"version\" integer NOT NULL, \"effectiveFrom\" date NOT NULL, \"effectiveTo\" date, \"noDowngradeUntil\" date)",
      "CREATE TABLE \"review\" (\"id\" varchar(36) PRIMARY KEY NOT NULL, \"partnerId\" varchar(36) NOT NULL, \"reviewedOn\" date NOT NULL, \"outcome\" varchar(16) NOT NULL, \"findings\" text NOT NULL, \"note\" varchar(2000), \"newTierCode\" varchar(32), \"effectiveFrom\" date, \"reviewedBy\" varchar(200) NOT NULL, \"createdAt\" datetime NOT NULL)",
      "CREATE INDEX \"IDX_bf5bd76fd4d0f4bfcfd79d2ea7\" ON \"review\" (\"partnerId\", \"reviewedOn\") ",
      "CREATE TABLE \"specialization\" (\"id\" varchar(80) PRIMARY KEY NOT NULL, \"programCode\" varchar(32) NOT NULL, \"code\" varchar(40) NOT NULL, \"name\" varchar(100) NOT NULL, \"productLine\" varchar(40), \"requiredSales\" integer NOT NULL, \"requiredTechnical\" integer NOT NULL)",
      "CREATE UNIQUE INDEX \"IDX_e682d6be3cf252943c5e5f2524\" ON \"specialization\" (\"programCode\", \"code\") ",
      "CREATE TABLE \"tier_assignment\" (\"id\" varchar(36) PRIMARY KEY NOT NULL, \"partnerId\" varchar(36) NOT NULL, \"tierCode\" varchar(32) NOT NULL, \"effectiveFrom\" date NOT NULL, \"reason\" varchar(500) NOT NULL, \"assignedBy\" varchar(200) NOT NULL, \"assignedAt\" datetime NOT NULL)",
      "CREATE INDEX \"IDX_c2a5c1bce3b031fb1ef22c8ec9\" ON \"tier_assignment\" (\"tierCode\") ",
      "CREATE INDEX \"IDX_9ebb38eacda189cfcac5222144\" ON \"tier_assignment\" (\"partnerId\", \"effectiveFrom\") ",
      "CREATE TABLE \"tier\" (\"id\" varchar(64) PRIMARY KEY NOT NULL, \"programCode\" varchar(32) NOT NULL, \"code\" varchar(32) NOT NULL, \"name\" varchar(100) NOT NULL, \"rank\" integer NOT NULL, \"minCertifiedStaff\" integer NOT NULL, \"minRevenue\" bigint NOT NULL, \"capacity\" integer, \"legacyNames\" text NOT NULL)",
      "CREATE UNIQUE INDEX \"IDX_1bc51fd7290663d0b99e82616b\" ON \"tier\" (\"programCode\", \"code\") ",
      ],
    });
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await runForDialect(queryRunner, {
      mysql: [
      "DROP INDEX `IDX_1bc51fd7290663d0b99e82616b` ON `tier`",
      "DROP TABLE `tier`",
      "DROP INDEX `IDX_9ebb38eacda189cfcac5222144` ON `tier_assignment`",
      "DROP INDEX `IDX_c2a5c1bce3b031fb1ef22c8ec9` ON `tier_assignment`",
      "DROP TABLE `tier_assignment`",
      "DROP INDEX `IDX_e682d6be3cf252943c5e5f2524` ON `specialization`",
      "DROP TABLE `specialization`",
      "DROP INDEX `IDX_bf5bd76fd4d0f4bfcfd79d2ea7` ON `review`",
      "DROP TABLE `review`",
      "DROP TABLE `program`",
      "DROP INDEX `IDX_78ea68bb9c5cc660c34b4e43ef` ON `person`",
      "DROP TABLE `person`",
      "DROP INDEX `IDX_1e6bb91da0a67740bc8956b110` ON `partner`",
      "DROP INDEX `IDX_c811a2a5c933b8ea5c3e777c61` ON `partner`",
      "DROP INDEX `IDX_e4a2ee820022bfa5fe68a6e112` ON `partner`",
      "DROP TABLE `partner`",
      "DROP INDEX `IDX_73efa48156e99a34fe6af42f96` ON `partner_distributor`",
      "DROP TABLE `partner_distributor`",
      "DROP TABLE `distributor`",
      "DROP INDEX `IDX_8b4e9ac327570be64b59eaec24` ON `certification`",
      "DROP INDEX `IDX_64b4bf80aea42d3960ce2074e3` ON `certification`",
      "DROP TABLE `certification`",
      ],
      sqlite: [
      "DROP INDEX \"IDX_1bc51fd7290663d0b99e82616b\"",
      "DROP TABLE \"tier\"",
      "DROP INDEX \"IDX_9ebb38eacda189cfcac5222144\"",
      "DROP INDEX \"IDX_c2a5c1bce3b031fb1ef22c8ec9\"",
      "DROP TABLE \"tier_assignment\"",
      "DROP INDEX \"IDX_e682d6be3cf252943c5e5f2524\"",
      "DROP TABLE \"specialization\"",
      "DROP INDEX \"IDX_bf5bd76fd4d0f4bfcfd79d2ea7\"",
      "DROP TABLE \"review\"",
      "DROP TABLE \"program\"",
      "DROP INDEX \"IDX_78ea68bb9c5cc660c34b4e43ef\"",
      "DROP TABLE \"person\"",
      "DROP INDEX \"IDX_1e6bb91da0a67740bc8956b110\"",
      "DROP INDEX \"IDX_c811a2a5c933b8ea5c3e777c61\"",
      "DROP INDEX \"IDX_e4a2ee820022bfa5fe68a6e112\"",
      "DROP TABLE \"partner\"",
      "DROP INDEX \"IDX_73efa48156e99a34fe6af42f96\"",
      "DROP TABLE \"partner_distributor\"",
      "DROP TABLE \"distributor\"",
      "DROP INDEX \"IDX_8b4e9ac327570be64b59eaec24\"",
      "DROP INDEX \"IDX_64b4bf80aea42d3960ce2074e3\"",
      "DROP TABLE \"certification\"",
      ],
    });
  }
}
