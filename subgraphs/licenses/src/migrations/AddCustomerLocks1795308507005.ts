import type { MigrationInterface, QueryRunner } from 'typeorm';
import { runForDialect } from '@hub/db';

export class AddCustomerLocks1795308507005 implements MigrationInterface {
  name = 'AddCustomerLocks1795308507005';

  async up(queryRunner: QueryRunner): Promise<void> {
    await runForDialect(queryRunner, {
      mysql: [
      "CREATE TABLE `customer_lock` (`lockKey` varchar(64) NOT NULL, PRIMARY KEY (`lockKey`)) ENGINE=InnoDB",
      ],
      sqlite: [
      "CREATE TABLE \"customer_lock\" (\"lockKey\" varchar(64) PRIMARY KEY NOT NULL)",
      ],
    });
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await runForDialect(queryRunner, {
      mysql: [
      "DROP TABLE `customer_lock`",
      ],
      sqlite: [
      "DROP TABLE \"customer_lock\"",
      ],
    });
  }
}
