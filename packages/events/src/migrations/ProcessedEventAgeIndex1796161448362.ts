import type { MigrationInterface, QueryRunner } from 'typeorm';
import { runForDialect } from '@hub/db';

/**
 * Shared by every subgraph: the index the events pruner reads to find processed-event ids older
 * than its retention, oldest first. (The outbox's (publishedAt, id) index already serves it.)
 */
export class ProcessedEventAgeIndex1796161448362 implements MigrationInterface {
  name = 'ProcessedEventAgeIndex1796161448362';

  async up(queryRunner: QueryRunner): Promise<void> {
    await runForDialect(queryRunner, {
      mysql: [
      "CREATE INDEX `IDX_processed_event_processedAt` ON `processed_event` (`processedAt`)",
      ],
      sqlite: [
      "CREATE INDEX \"IDX_processed_event_processedAt\" ON \"processed_event\" (\"processedAt\") ",
      ],
    });
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await runForDialect(queryRunner, {
      mysql: [
      "DROP INDEX `IDX_processed_event_processedAt` ON `processed_event`",
      ],
      sqlite: [
      "DROP INDEX \"IDX_processed_event_processedAt\"",
      ],
    });
  }
}
