import type { MigrationInterface, QueryRunner } from 'typeorm';
import { runForDialect } from '@hub/db';

/** program_fact.versions: every version of a program's book by its effective date. */
export class AddProgramVersions1796159402281 implements MigrationInterface {
  name = 'AddProgramVersions1796159402281';

  async up(queryRunner: QueryRunner): Promise<void> {
    await runForDialect(queryRunner, {
      mysql: [
      "ALTER TABLE `program_fact` ADD `versions` text NOT NULL",
      // Rows kept before versions were: none known yet (the row's snapshot stands in).
      "UPDATE `program_fact` SET `versions` = '[]'",
      ],
      sqlite: [
      "CREATE TABLE \"temporary_program_fact\" (\"code\" varchar(32) PRIMARY KEY NOT NULL, \"currency\" varchar(3) NOT NULL, \"noDowngradeUntil\" date, \"tiers\" text NOT NULL, \"specializations\" text NOT NULL, \"updatedAt\" datetime(3) NOT NULL, \"versions\" text NOT NULL)",
      "INSERT INTO \"temporary_program_fact\"(\"code\", \"currency\", \"noDowngradeUntil\", \"tiers\", \"specializations\", \"updatedAt\", \"versions\") SELECT \"code\", \"currency\", \"noDowngradeUntil\", \"tiers\", \"specializations\", \"updatedAt\", '[]' FROM \"program_fact\"",
      "DROP TABLE \"program_fact\"",
      "ALTER TABLE \"temporary_program_fact\" RENAME TO \"program_fact\"",
      ],
    });
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await runForDialect(queryRunner, {
      mysql: [
      "ALTER TABLE `program_fact` DROP COLUMN `versions`",
      ],
      sqlite: [
      "ALTER TABLE \"program_fact\" RENAME TO \"temporary_program_fact\"",
      "CREATE TABLE \"program_fact\" (\"code\" varchar(32) PRIMARY KEY NOT NULL, \"currency\" varchar(3) NOT NULL, \"noDowngradeUntil\" date, \"tiers\" text NOT NULL, \"specializations\" text NOT NULL, \"updatedAt\" datetime(3) NOT NULL)",
      "INSERT INTO \"program_fact\"(\"code\", \"currency\", \"noDowngradeUntil\", \"tiers\", \"specializations\", \"updatedAt\") SELECT \"code\", \"currency\", \"noDowngradeUntil\", \"tiers\", \"specializations\", \"updatedAt\" FROM \"temporary_program_fact\"",
      "DROP TABLE \"temporary_program_fact\"",
      ],
    });
  }
}
