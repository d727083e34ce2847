import DataLoader from 'dataloader';
import { In, type DataSource, type EntityManager } from 'typeorm';
import type { Claims } from '@hub/auth';
import { perArguments, type KeysetPage } from '@hub/db';
import type { PriceTier } from '../domain';
import { termPricesOn, usageSchedulesOn } from '../services/price-book';
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
import { licensePagesByPartner, type LicenseFilter } from '../services/licenses.service';
import { usageStatementPagesByPartner, type UsageStatementFilter } from '../services/usage.service';

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
    /** Keyed `<currency>|<date>|<sku>` (CatalogService.priceKey): one query per currency and date. */
    termPrice: new DataLoader<string, bigint | null>(async (keys) => {
      const found = new Map<string, bigint>();
      for (const [group, skus] of groupKeys(keys)) {
        const [currency, date] = group.split('|') as [string, string];
        for (const [sku, price] of await termPricesOn(manager, skus, currency, date)) found.set(`${group}|${sku}`, price);
      }
      return keys.map((key) => found.get(key) ?? null);
    }),
    usagePrices: new DataLoader<string, PriceTier[]>(async (keys) => {
      const found = new Map<string, PriceTier[]>();
      for (const [group, skus] of groupKeys(keys)) {
        const [currency, date] = group.split('|') as [string, string];
        for (const [sku, tiers] of await usageSchedulesOn(manager, currency, date, skus)) found.set(`${group}|${sku}`, tiers);
      }
      return keys.map((key) => found.get(key) ?? []);
    }),
    reportLines: manyLoader(
      (ids) => manager.find(UsageReportLineEntity, { where: { reportId: In([...ids]) }, order: { position: 'ASC' } }),
      (line) => line.reportId,
    ),
    /** Partner.licenses: every partner asking for the same page and filter shares one batch. */
    licensesOfPartner: pagesOfPartners<LicenseFilter, LicenseEntity>(manager, licensePagesByPartner),
    /** Partner.usageStatements, batched the same way. */
    usageStatementsOfPartner: pagesOfPartners<UsageStatementFilter, UsageStatementEntity>(manager, usageStatementPagesByPartner),
  };
}

interface PageArguments<F> {
  claims: Claims | null;
  filter: F;
  page: { first: number; after?: string };
}

/** One loader of partners' pages per distinct caller, filter and page. */
function pagesOfPartners<F, T>(
  manager: EntityManager,
  pagesByPartner: (manager: EntityManager, claims: Claims | null, filter: F, partnerIds: readonly string[], page: PageArguments<F>['page']) => Promise<Map<string, KeysetPage<T>>>,
) {
  return perArguments(
    ({ claims, filter, page }: PageArguments<F>) =>
      new DataLoader<string, KeysetPage<T>>(async (partnerIds) => {
        const pages = await pagesByPartner(manager, claims, filter, partnerIds, page);
        return partnerIds.map((id) => pages.get(id)!);
      }),
  );
}

/** `<currency>|<date>|<sku>` keys grouped by `<currency>|<date>`. */
function groupKeys(keys: readonly string[]): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const key of keys) {
    const cut = key.lastIndexOf('|');
    const group = key.slice(0, cut);
    groups.set(group, [...(groups.get(group) ?? []), key.slice(cut + 1)]);
  }
  return groups;
}

export type LicensesLoaders = ReturnType<typeof createLicensesLoaders>;
