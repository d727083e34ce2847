import type { MigrationInterface, QueryRunner } from 'typeorm';
import { runForDialect } from '@hub/db';

export class AddJobs1796151016658 implements MigrationInterface {
  name = 'AddJobs1796151016658';

  async up(queryRunner: QueryRunner): Promise<void> {
    await runForDialect(queryRunner, {
      mysql: [
      "CREATE TABLE `job` (`id` varchar(36) NOT NULL, `kind` varchar(40) NOT NULL, `subject` varchar(40) NOT NULL, `status` varchar(10) NOT NULL, `done` int NOT NULL, `total` int NOT NULL, `resumeAfter` varchar(200) NULL, `activeKey` varchar(100) NULL, `leaseOwner` varchar(36) NULL, `leaseUntil` datetime(3) NULL, `requestedBy` varchar(200) NOT NULL, `createdAt` datetime(3) NOT NULL, `startedAt` datetime(3) NULL, `finishedAt` datetime(3) NULL, `error` varchar(1000) NULL, UNIQUE INDEX `uq_job_active` (`activeKey`), INDEX `idx_job_status` (`status`, `leaseUntil`), INDEX `idx_job_subject` (`kind`, `subject`, `status`), PRIMARY KEY (`id`)) ENGINE=InnoDB",
      ],
      sqlite: [
      "CREATE TABLE \"job\" (\"id\" varchar(36) PRIMARY KEY NOT NULL, \"kind\" varchar(40) NOT NULL, \"subject\" varchar(40) NOT NULL, \"status\" varchar(10) NOT NULL, \"done\" integer NOT NULL, \"total\" integer NOT NULL, \"resumeAfter\" varchar(200), \"activeKey\" varchar(100), \"leaseOwner\" varchar(36), \"leaseUntil\" datetime(3), \"requestedBy\" varchar(200) NOT NULL, \"createdAt\" datetime(3) NOT NULL, \"startedAt\" datetime(3), \"finishedAt\" datetime(3), \"error\" varchar(1000))",
      "CREATE UNIQUE INDEX \"uq_job_active\" ON \"job\" (\"activeKey\") ",
      "CREATE INDEX \"idx_job_status\" ON \"job\" (\"status\", \"leaseUntil\") ",
      "CREATE INDEX \"idx_job_subject\" ON \"job\" (\"kind\", \"subject\", \"status\") ",
      ],
    });
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await runForDialect(queryRunner, {
      mysql: [
      "DROP INDEX `idx_job_subject` ON `job`",
      "DROP INDEX `idx_job_status` ON `job`",
      "DROP INDEX `uq_job_active` ON `job`",
      "DROP TABLE `job`",
      ],
      sqlite: [
      "DROP INDEX \"idx_job_subject\"",
      "DROP INDEX \"idx_job_status\"",
      "DROP INDEX \"uq_job_active\"",
      "DROP TABLE \"job\"",
      ],
    });
  }
}
