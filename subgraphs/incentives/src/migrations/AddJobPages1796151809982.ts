import type { MigrationInterface, QueryRunner } from 'typeorm';
import { runForDialect } from '@hub/db';

export class AddJobPages1796151809982 implements MigrationInterface {
  name = 'AddJobPages1796151809982';

  async up(queryRunner: QueryRunner): Promise<void> {
    await runForDialect(queryRunner, {
      mysql: [
      "CREATE TABLE `job_page` (`jobId` varchar(36) NOT NULL, `pageKey` varchar(200) NOT NULL, `position` int NOT NULL, `items` int NOT NULL, `payload` text NOT NULL, `doneAt` datetime(3) NULL, INDEX `idx_job_page_pending` (`jobId`, `doneAt`, `position`), PRIMARY KEY (`jobId`, `pageKey`)) ENGINE=InnoDB",
      "ALTER TABLE `job` DROP COLUMN `resumeAfter`",
      ],
      sqlite: [
      "CREATE TABLE \"job_page\" (\"jobId\" varchar(36) NOT NULL, \"pageKey\" varchar(200) NOT NULL, \"position\" integer NOT NULL, \"items\" integer NOT NULL, \"payload\" text NOT NULL, \"doneAt\" datetime(3), PRIMARY KEY (\"jobId\", \"pageKey\"))",
      "CREATE INDEX \"idx_job_page_pending\" ON \"job_page\" (\"jobId\", \"doneAt\", \"position\") ",
      "DROP INDEX \"idx_job_subject\"",
      "DROP INDEX \"idx_job_status\"",
      "DROP INDEX \"uq_job_active\"",
      "CREATE TABLE \"temporary_job\" (\"id\" varchar(36) PRIMARY KEY NOT NULL, \"kind\" varchar(40) NOT NULL, \"subject\" varchar(40) NOT NULL, \"status\" varchar(10) NOT NULL, \"done\" integer NOT NULL, \"total\" integer NOT NULL, \"activeKey\" varchar(100), \"leaseOwner\" varchar(36), \"leaseUntil\" datetime(3), \"requestedBy\" varchar(200) NOT NULL, \"createdAt\" datetime(3) NOT NULL, \"startedAt\" datetime(3), \"finishedAt\" datetime(3), \"error\" varchar(1000))",
      "INSERT INTO \"temporary_job\"(\"id\", \"kind\", \"subject\", \"status\", \"done\", \"total\", \"activeKey\", \"leaseOwner\", \"leaseUntil\", \"requestedBy\", \"createdAt\", \"startedAt\", \"finishedAt\", \"error\") SELECT \"id\", \"kind\", \"subject\", \"status\", \"done\", \"total\", \"activeKey\", \"leaseOwner\", \"leaseUntil\", \"requestedBy\", \"createdAt\", \"startedAt\", \"finishedAt\", \"error\" FROM \"job\"",
      "DROP TABLE \"job\"",
      "ALTER TABLE \"temporary_job\" RENAME TO \"job\"",
      "CREATE INDEX \"idx_job_subject\" ON \"job\" (\"kind\", \"subject\", \"status\") ",
      "CREATE INDEX \"idx_job_status\" ON \"job\" (\"status\", \"leaseUntil\") ",
      "CREATE UNIQUE INDEX \"uq_job_active\" ON \"job\" (\"activeKey\") ",
      ],
    });
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await runForDialect(queryRunner, {
      mysql: [
      "ALTER TABLE `job` ADD `resumeAfter` varchar(200) NULL",
      "DROP INDEX `idx_job_page_pending` ON `job_page`",
      "DROP TABLE `job_page`",
      ],
      sqlite: [
      "DROP INDEX \"uq_job_active\"",
      "DROP INDEX \"idx_job_status\"",
      "DROP INDEX \"idx_job_subject\"",
      "ALTER TABLE \"job\" RENAME TO \"temporary_job\"",
      "CREATE TABLE \"job\" (\"id\" varchar(36) PRIMARY KEY NOT NULL, \"kind\" varchar(40) NOT NULL, \"subject\" varchar(40) NOT NULL, \"status\" varchar(10) NOT NULL, \"done\" integer NOT NULL, \"total\" integer NOT NULL, \"resumeAfter\" varchar(200), \"activeKey\" varchar(100), \"leaseOwner\" varchar(36), \"leaseUntil\" datetime(3), \"requestedBy\" varchar(200) NOT NULL, \"createdAt\" datetime(3) NOT NULL, \"startedAt\" datetime(3), \"finishedAt\" datetime(3), \"error\" varchar(1000))",
      "INSERT INTO \"job\"(\"id\", \"kind\", \"subject\", \"status\", \"done\", \"total\", \"activeKey\", \"leaseOwner\", \"leaseUntil\", \"requestedBy\", \"createdAt\", \"startedAt\", \"finishedAt\", \"error\") SELECT \"id\", \"kind\", \"subject\", \"status\", \"done\", \"total\", \"activeKey\", \"leaseOwner\", \"leaseUntil\", \"requestedBy\", \"createdAt\", \"startedAt\", \"finishedAt\", \"error\" FROM \"temporary_job\"",
      "DROP TABLE \"temporary_job\"",
      "CREATE UNIQUE INDEX \"uq_job_active\" ON \"job\" (\"activeKey\") ",
      "CREATE INDEX \"idx_job_status\" ON \"job\" (\"status\", \"leaseUntil\") ",
      "CREATE INDEX \"idx_job_subject\" ON \"job\" (\"kind\", \"subject\", \"status\") ",
      "DROP INDEX \"idx_job_page_pending\"",
      "DROP TABLE \"job_page\"",
      ],
    });
  }
}
