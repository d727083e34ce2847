import type { MigrationInterface, QueryRunner } from 'typeorm';
import { runForDialect } from '@hub/db';

export class AddDealFactIndexes1795314066282 implements MigrationInterface {
  name = 'AddDealFactIndexes1795314066282';

  async up(queryRunner: QueryRunner): Promise<void> {
    await runForDialect(queryRunner, {
      mysql: [
      "CREATE INDEX `idx_deal_fact_last_event` ON `deal_fact` (`lastEventAt`)",
      "CREATE INDEX `idx_deal_fact_referrer` ON `deal_fact` (`referringPartnerId`, `closedOn`)",
      "CREATE INDEX `idx_deal_fact_won` ON `deal_fact` (`status`, `closedOn`, `partnerId`)",
      ],
      sqlite: [
      "CREATE INDEX \"idx_deal_fact_last_event\" ON \"deal_fact\" (\"lastEventAt\") ",
      "CREATE INDEX \"idx_deal_fact_referrer\" ON \"deal_fact\" (\"referringPartnerId\", \"closedOn\") ",
      "CREATE INDEX \"idx_deal_fact_won\" ON \"deal_fact\" (\"status\", \"closedOn\", \"partnerId\") ",
      ],
    });
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await runForDialect(queryRunner, {
      mysql: [
      "DROP INDEX `idx_deal_fact_won` ON `deal_fact`",
      "DROP INDEX `idx_deal_fact_referrer` ON `deal_fact`",
      "DROP INDEX `idx_deal_fact_last_event` ON `deal_fact`",
      ],
      sqlite: [
      "DROP INDEX \"idx_deal_fact_won\"",
      "DROP INDEX \"idx_deal_fact_referrer\"",
      "DROP INDEX \"idx_deal_fact_last_event\"",
      ],
    });
  }
}
