import type { MigrationInterface, QueryRunner } from 'typeorm';
import { runForDialect } from '@hub/db';

export class EventsTables1795304208116 implements MigrationInterface {
  name = 'EventsTables1795304208116';

  async up(queryRunner: QueryRunner): Promise<void> {
    await runForDialect(queryRunner, {
      mysql: [
      "CREATE TABLE `outbox` (`id` varchar(36) NOT NULL, `type` varchar(100) NOT NULL, `version` int NOT NULL, `source` varchar(50) NOT NULL, `aggregateId` varchar(100) NOT NULL, `payload` text NOT NULL, `occurredAt` datetime(3) NOT NULL, `publishedAt` datetime(3) NULL, INDEX `IDX_fdad88a54642fbb82d8439da27` (`publishedAt`, `id`), PRIMARY KEY (`id`)) ENGINE=InnoDB",
      "CREATE TABLE `processed_event` (`consumer` varchar(100) NOT NULL, `eventId` varchar(36) NOT NULL, `processedAt` datetime(3) NOT NULL, PRIMARY KEY (`consumer`, `eventId`)) ENGINE=InnoDB",
      "CREATE TABLE `test_effect` (`id` varchar(36) NOT NULL, `consumer` varchar(100) NOT NULL, `eventId` varchar(36) NOT NULL, PRIMARY KEY (`id`)) ENGINE=InnoDB",
      ],
      sqlite: [
      "CREATE TABLE \"outbox\" (\"id\" varchar(36) PRIMARY KEY NOT NULL, \"type\" varchar(100) NOT NULL, \"version\" integer NOT NULL, \"source\" varchar(50) NOT NULL, \"aggregateId\" varchar(100) NOT NULL, \"payload\" text NOT NULL, \"occurredAt\" datetime(3) NOT NULL, \"publishedAt\" datetime(3))",
      "CREATE INDEX \"IDX_fdad88a54642fbb82d8439da27\" ON \"outbox\" (\"publishedAt\", \"id\") ",
      "CREATE TABLE \"processed_event\" (\"consumer\" varchar(100) NOT NULL, \"eventId\" varchar(36) NOT NULL, \"processedAt\" datetime(3) NOT NULL, PRIMARY KEY (\"consumer\", \"eventId\"))",
      "CREATE TABLE \"test_effect\" (\"id\" varchar(36) PRIMARY KEY NOT NULL, \"consumer\" varchar(100) NOT NULL, \"eventId\" varchar(36) NOT NULL)",
      ],
    });
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await runForDialect(queryRunner, {
      mysql: [
      "DROP TABLE `test_effect`",
      "DROP TABLE `processed_event`",
      "DROP INDEX `IDX_fdad88a54642fbb82d8439da27` ON `outbox`",
      "DROP TABLE `outbox`",
      ],
      sqlite: [
      "DROP TABLE \"test_effect\"",
      "DROP TABLE \"processed_event\"",
      "DROP INDEX \"IDX_fdad88a54642fbb82d8439da27\"",
      "DROP TABLE \"outbox\"",
      ],
    });
  }
}
