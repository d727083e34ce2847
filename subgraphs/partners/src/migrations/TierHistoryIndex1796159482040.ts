import type { MigrationInterface, QueryRunner } from 'typeorm';
import { runForDialect } from '@hub/db';

/** The tier history's index ends with the id (see TierAssignmentEntity); the new one is built before the old one goes. */
export class TierHistoryIndex1796159482040 implements MigrationInterface {
  name = 'TierHistoryIndex1796159482040';

  async up(queryRunner: QueryRunner): Promise<void> {
    await runForDialect(queryRunner, {
      mysql: [
      "CREATE INDEX `IDX_7869a172f9842e20d9bdfd6c42` ON `tier_assignment` (`partnerId`, `effectiveFrom`, `id`)",
      "DROP INDEX `IDX_9ebb38eacda189cfcac5222144` ON `tier_assignment`",
      ],
      sqlite: [
      "CREATE INDEX \"IDX_7869a172f9842e20d9bdfd6c42\" ON \"tier_assignment\" (\"partnerId\", \"effectiveFrom\", \"id\") ",
      "DROP INDEX \"IDX_9ebb38eacda189cfcac5222144\"",
      ],
    });
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await runForDialect(queryRunner, {
      mysql: [
      "CREATE INDEX `IDX_9ebb38eacda189cfcac5222144` ON `tier_assignment` (`partnerId`, `effectiveFrom`)",
      "DROP INDEX `IDX_7869a172f9842e20d9bdfd6c42` ON `tier_assignment`",
      ],
      sqlite: [
      "CREATE INDEX \"IDX_9ebb38eacda189cfcac5222144\" ON \"tier_assignment\" (\"partnerId\", \"effectiveFrom\") ",
      "DROP INDEX \"IDX_7869a172f9842e20d9bdfd6c42\"",
      ],
    });
  }
}
