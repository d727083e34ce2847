import type { MigrationInterface, QueryRunner } from 'typeorm';
import { runForDialect } from '@hub/db';

/** license_expiring_notice: the license.expiring notices sent, one per licence and end date. */
export class AddLicenseExpiringNotice1796165362574 implements MigrationInterface {
  name = 'AddLicenseExpiringNotice1796165362574';

  async up(queryRunner: QueryRunner): Promise<void> {
    await runForDialect(queryRunner, {
      mysql: [
      "CREATE TABLE `license_expiring_notice` (`licenseId` varchar(36) NOT NULL, `endsOn` date NOT NULL, `eventId` varchar(36) NOT NULL, `sentAt` datetime NOT NULL, PRIMARY KEY (`licenseId`, `endsOn`)) ENGINE=InnoDB",
      ],
      sqlite: [
      "CREATE TABLE \"license_expiring_notice\" (\"licenseId\" varchar(36) NOT NULL, \"endsOn\" date NOT NULL, \"eventId\" varchar(36) NOT NULL, \"sentAt\" datetime NOT NULL, PRIMARY KEY (\"licenseId\", \"endsOn\"))",
      ],
    });
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await runForDialect(queryRunner, {
      mysql: [
      "DROP TABLE `license_expiring_notice`",
      ],
      sqlite: [
      "DROP TABLE \"license_expiring_notice\"",
      ],
    });
  }
}
