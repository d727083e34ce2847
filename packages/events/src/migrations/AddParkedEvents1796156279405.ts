import type { MigrationInterface, QueryRunner } from 'typeorm';
import { runForDialect } from '@hub/db';

/** Shared by every subgraph: each lists it in its migrations, since each keeps its own parked events. */
export class AddParkedEvents1796156279405 implements MigrationInterface {
  name = 'AddParkedEvents1796156279405';

  async up(queryRunner: QueryRunner): Promise<void> {
    await runForDialect(queryRunner, {
      mysql: [
      "CREATE TABLE `parked_event` (`id` varchar(36) NOT NULL, `consumer` varchar(100) NOT NULL, `eventId` varchar(36) NOT NULL, `type` varchar(100) NOT NULL, `version` int NOT NULL, `envelope` text NOT NULL, `reason` text NOT NULL, `parkedAt` datetime(3) NOT NULL, `retriedAt` datetime(3) NULL, UNIQUE INDEX `uq_parked_event_consumer_event` (`consumer`, `eventId`), PRIMARY KEY (`id`)) ENGINE=InnoDB",
      ],
      sqlite: [
      "CREATE TABLE \"parked_event\" (\"id\" varchar(36) PRIMARY KEY NOT NULL, \"consumer\" varchar(100) NOT NULL, \"eventId\" varchar(36) NOT NULL, \"type\" varchar(100) NOT NULL, \"version\" integer NOT NULL, \"envelope\" text NOT NULL, \"reason\" text NOT NULL, \"parkedAt\" datetime(3) NOT NULL, \"retriedAt\" datetime(3))",
      "CREATE UNIQUE INDEX \"uq_parked_event_consumer_event\" ON \"parked_event\" (\"consumer\", \"eventId\") ",
      ],
    });
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await runForDialect(queryRunner, {
      mysql: [
      "DROP INDEX `uq_parked_event_consumer_event` ON `parked_event`",
      "DROP TABLE `parked_event`",
      ],
      sqlite: [
      "DROP INDEX \"uq_parked_event_consumer_event\"",
      "DROP TABLE \"parked_event\"",
      ],
    });
  }
}
