import { In, type DataSource } from 'typeorm';
import { manyLoader, oneLoader } from '@hub/graphql-kit';
import {
  EndCustomerEntity,
  LicenseEntity,
  LicenseTermEntity,
  MasterLicenseEntity,
  SkuEntity,
  UsageDeploymentEntity,
  UsageReportLineEntity,
  UsageStatementEntity,
  UsageStatementLineEntity,
} from '../entities';

/** Per-request loaders: a list of N licences or statements costs one query per relation, not one per row. */
export function createLicensesLoaders(dataSource: DataSource) {
  const manager = dataSource.manager;
  return {
    license: oneLoader((ids) => manager.findBy(LicenseEntity, { id: In([...ids]) }), (license) => license.id),
    sku: oneLoader((codes) => manager.findBy(SkuEntity, { code: In([...codes]) }), (sku) => sku.code),
    customer: oneLoader((ids) => manager.findBy(EndCustomerEntity, { id: In([...ids]) }), (customer) => customer.id),
    termsByLicense: manyLoader(
      (ids) => manager.find(LicenseTermEntity, { where: { licenseId: In([...ids]) }, order: { sequence: 'ASC' } }),
      (term) => term.licenseId,
    ),
    masterLicense: oneLoader((ids) => manager.findBy(MasterLicenseEntity, { id: In([...ids]) }), (master) => master.id),
    masterLicenseByPartner: oneLoader((ids) => manager.findBy(MasterLicenseEntity, { partnerId: In([...ids]) }), (master) => master.partnerId),
    deploymentsByMaster: manyLoader(
      (ids) => manager.find(UsageDeploymentEntity, { where: { masterLicenseId: In([...ids]) }, order: { id: 'ASC' } }),
      (deployment) => deployment.masterLicenseId,
    ),
    statement: oneLoader((ids) => manager.findBy(UsageStatementEntity, { id: In([...ids]) }), (statement) => statement.id),
    statementLines: manyLoader(
      (ids) => manager.find(UsageStatementLineEntity, { where: { statementId: In([...ids]) }, order: { position: 'ASC' } }),
      (line) => line.statementId,
    ),
    reportLines: manyLoader(
      (ids) => manager.find(UsageReportLineEntity, { where: { reportId: In([...ids]) }, order: { position: 'ASC' } }),
      (line) => line.reportId,
    ),
  };
}

export type LicensesLoaders = ReturnType<typeof createLicensesLoaders>;
