import type { z } from 'zod';
import { catalogPublishedV1, skuSavedV1 } from './schemas/catalog';
import { dealEventV1 } from './schemas/deals';
import { licenseEventV1, licenseExpiringV1, masterLicenseGrantedV1, usageDeploymentV1, usageReportSubmittedV1, usageStatementIssuedV1 } from './schemas/licenses';
import { certificationAddedV1, distributorSavedV1, partnerSnapshotV1, programSavedV1, tierAssignedV1 } from './schemas/partners';
import { auditRecordedV1, jobPageV1, jobUpdatedV1, statementComputedV1, statementTransitionedV1 } from './schemas/platform';

/** One version of one event type: who publishes it, what it means, and its payload's schema. */
export interface EventContract<S extends z.ZodType = z.ZodType> {
  publisher: string;
  description: string;
  payload: S;
}

function contract<S extends z.ZodType>(publisher: string, description: string, payload: S): EventContract<S> {
  return { publisher, description, payload };
}

const deal = (happening: string) => contract('deals', `A deal ${happening}; the payload is the whole deal after the change.`, dealEventV1);
const license = (happening: string) => contract('licenses', `A licence ${happening}; the payload is the whole licence after the change.`, licenseEventV1);
const deployment = (happening: string) => contract('licenses', `A usage deployment ${happening}.`, usageDeploymentV1);
const statement = (happening: string) => contract('incentives', `A payout statement ${happening}.`, statementTransitionedV1);

/**
 * Every event type the hub publishes, by type and then by payload version. A payload that
 * changes shape gets a new version here; publishers and consumers name the version they speak.
 */
export const catalogue = {
  'partner.created': { 1: contract('partners', 'A partner joined a program.', partnerSnapshotV1) },
  'partner.changed': { 1: contract('partners', 'A partner\'s facts changed (name, status, distributors, segment focus…).', partnerSnapshotV1) },
  'partner.tier_assigned': { 1: contract('partners', 'A partner was assigned a tier from a date on.', tierAssignedV1) },
  'partner.certification_added': { 1: contract('partners', 'A person of a partner gained a certification.', certificationAddedV1) },
  'program.saved': { 1: contract('partners', 'A program\'s rule book (tiers, thresholds, capacity, specializations) was saved.', programSavedV1) },
  'distributor.saved': { 1: contract('partners', 'A distributor was created or changed.', distributorSavedV1) },
  'deal.submitted': { 1: deal('was registered') },
  'deal.approved': { 1: deal('was approved') },
  'deal.rejected': { 1: deal('was rejected') },
  'deal.withdrawn': { 1: deal('was withdrawn by its partner') },
  'deal.extended': { 1: deal('registration was extended') },
  'deal.won': { 1: deal('was won') },
  'deal.lost': { 1: deal('was lost') },
  'deal.expired': { 1: deal('registration expired') },
  'deal.reversed': { 1: deal('won earlier was reversed (clawbacks follow)') },
  'deal.conflict_resolved': { 1: deal('conflict with another registration was resolved') },
  'catalog.sku_saved': { 1: contract('licenses', 'A SKU of the catalog was created or changed; the payload is the SKU after the write.', skuSavedV1) },
  'catalog.published': { 1: contract('licenses', 'The whole catalog was published (one catalog.sku_saved per SKU); the payload says how many SKUs it holds.', catalogPublishedV1) },
  'license.issued': { 1: license('was issued') },
  'license.renewed': { 1: license('was renewed') },
  'license.transferred': { 1: license('was transferred to another customer') },
  'license.deployment_changed': { 1: license('changed its deployment') },
  'license.revoked': { 1: license('was revoked') },
  'license.expired': { 1: license('expired') },
  'license.expiring': {
    1: contract('licenses', 'A licence\'s current term ends within the notice window (LICENSE_EXPIRING_DAYS before its end), once per term; the payload is the whole licence, its current term and the days left.', licenseExpiringV1),
  },
  'master_license.granted': { 1: contract('licenses', 'A partner was granted a master licence for usage-based deployments.', masterLicenseGrantedV1) },
  'usage.deployment_added': { 1: deployment('was added') },
  'usage.deployment_removed': { 1: deployment('was removed') },
  'usage.deployment_revoked': { 1: deployment('was revoked with its master licence') },
  'usage.report_submitted': { 1: contract('licenses', 'A partner submitted (or resubmitted) its monthly usage report.', usageReportSubmittedV1) },
  'usage.statement_issued': { 1: contract('licenses', 'A monthly usage statement was issued.', usageStatementIssuedV1) },
  'statement.computed': { 1: contract('incentives', 'A payout statement was computed (or recomputed while open).', statementComputedV1) },
  'statement.approved': { 1: statement('was approved') },
  'statement.paid': { 1: statement('was marked paid') },
  'job.updated': { 1: contract('licenses, incentives', 'A long-running job changed status or progress.', jobUpdatedV1) },
  'job.page': { 1: contract('licenses, incentives', 'One page of a job, on the job page queue (not the event stream).', jobPageV1) },
  'audit.recorded': { 1: contract('every subgraph', 'An audited change, carried to the audit home (partners).', auditRecordedV1) },
} as const satisfies Record<string, Record<number, EventContract>>;

export type Catalogue = typeof catalogue;
export type EventType = keyof Catalogue;
export type EventVersion<T extends EventType> = keyof Catalogue[T] & number;
export type ContractOf<T extends EventType, V extends EventVersion<T>> = Catalogue[T][V];
/** The payload of version V of type T, as publishers build it and consumers receive it. */
export type EventPayload<T extends EventType, V extends EventVersion<T>> = ContractOf<T, V> extends EventContract<infer S> ? z.infer<S> : never;

export const EVENT_TYPES = Object.keys(catalogue) as EventType[];

/** The contract of `type` at `version`, or undefined when the catalogue has no such pair. */
export function contractOf(type: string, version: number): EventContract | undefined {
  const versions = (catalogue as Record<string, Record<number, EventContract>>)[type];
  return versions && Object.hasOwn(versions, version) ? versions[version] : undefined;
}
