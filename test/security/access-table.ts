import type { OperationKind } from './operations';

/**
 * Who may call each root field, as the services' access checks and the API contract say.
 *
 * - `allowed`: answers without FORBIDDEN or UNAUTHENTICATED (a domain error, BAD_USER_INPUT or
 *   NOT_FOUND still means the caller got past authorisation);
 * - `forbidden`: FORBIDDEN;
 * - `scoped`: allowed on the caller's own data, while another tenant's is refused (FORBIDDEN or
 *   NOT_FOUND) or filtered out, never answered;
 * - `unauthenticated`: HTTP 401 — every field, without a token.
 *
 * The partner is a service provider in the usage program (its own deals, licences, master
 * licence, deployments and MDF); the distributor is the one that partner buys through.
 * A root field the schema gains without an entry here fails the suite, as does an entry for a
 * field that is gone.
 */

export const ROLES = ['vendor_admin', 'channel_manager', 'bi', 'partner', 'distributor'] as const;
export type Role = (typeof ROLES)[number];

export type Outcome = 'allowed' | 'forbidden' | 'scoped';

export type Access = Record<Role, Outcome> & {
  anonymous: 'unauthenticated';
  /** Why a row reads as it does where the code is not obvious. */
  note?: string;
};

const everyone: Access = { vendor_admin: 'allowed', channel_manager: 'allowed', bi: 'allowed', partner: 'allowed', distributor: 'allowed', anonymous: 'unauthenticated' };
/** Staff and BI read everything; a partner and a distributor their own. */
const readScoped: Access = { ...everyone, partner: 'scoped', distributor: 'scoped' };
const staffOnly: Access = { vendor_admin: 'allowed', channel_manager: 'allowed', bi: 'forbidden', partner: 'forbidden', distributor: 'forbidden', anonymous: 'unauthenticated' };
const adminOnly: Access = { ...staffOnly, channel_manager: 'forbidden' };
/** Staff, or the partner acting for itself. */
const staffOrOwnPartner: Access = { ...staffOnly, partner: 'scoped' };
/** Staff, or the distributor acting for itself. */
const staffOrOwnDistributor: Access = { ...staffOnly, distributor: 'scoped' };
/** Staff, the partner or the distributor that serves it. */
const staffOrParty: Access = { ...staffOnly, partner: 'scoped', distributor: 'scoped' };
/** Program-level figures across partners: staff and BI only. */
const staffAndBi: Access = { ...staffOnly, bi: 'allowed' };

export const ACCESS_TABLE: Record<OperationKind, Record<string, Access>> = {
  query: {
    // partners
    programs: everyone,
    program: everyone,
    distributors: { ...everyone, note: 'the route to market: every authenticated caller sees them' },
    partner: readScoped,
    partners: readScoped,
    // deals
    deal: readScoped,
    deals: readScoped,
    dealEvents: { ...readScoped, note: 'the deal feed: each caller pages only the events of deals it may read' },
    dealsOutsideCatalog: { ...staffOnly, note: 'an operator\'s report of deals whose lines the catalog does not cover' },
    webhookEndpoints: { ...readScoped, partner: 'forbidden' },
    webhookDeliveries: { ...readScoped, partner: 'forbidden' },
    pipelineFunnel: { ...staffAndBi, note: 'program-level aggregates for BI' },
    // licenses
    skus: everyone,
    sku: everyone,
    license: readScoped,
    licenses: readScoped,
    usageReports: readScoped,
    usageStatement: readScoped,
    usageStatements: readScoped,
    usageSeats: { ...staffAndBi, note: 'program-level aggregates for BI' },
    // incentives
    incentiveRules: { ...everyone, note: 'the published rule book of a program' },
    simulateStatements: { ...adminOnly, note: 'what-if of the rule book before publishing' },
    statement: { ...readScoped, note: 'a distributor is a payee too (distributor incentive)' },
    statements: readScoped,
    partnerMetrics: { ...readScoped, distributor: 'forbidden', note: 'BI and staff; a partner its own row' },
    programMetrics: { ...staffAndBi, note: 'program-level aggregates for BI' },
    job: { ...staffOnly, note: 'jobs are staff work (statements, closing a usage month); refused before the lookup' },
    // edge
    auditEvents: adminOnly,
    // every subgraph's parked events (one shared factory)
    partnersParkedEvents: adminOnly,
    dealsParkedEvents: adminOnly,
    licensesParkedEvents: adminOnly,
    incentivesParkedEvents: adminOnly,
  },
  mutation: {
    // partners
    createPartner: staffOnly,
    updatePartner: staffOnly,
    assignTier: staffOnly,
    saveProgram: adminOnly,
    saveTier: adminOnly,
    recordReview: staffOnly,
    addPerson: staffOnly,
    addCertification: staffOnly,
    // deals
    registerDeal: staffOrOwnPartner,
    approveDeal: staffOnly,
    rejectDeal: staffOnly,
    withdrawDeal: { ...staffOrOwnPartner, note: 'the registering partner may withdraw its own submission' },
    extendDeal: staffOnly,
    markDealWon: staffOnly,
    markDealLost: staffOnly,
    reverseDeal: staffOnly,
    resolveConflict: staffOnly,
    registerWebhook: staffOrOwnDistributor,
    disableWebhook: staffOrOwnDistributor,
    rotateWebhookSecret: staffOrOwnDistributor,
    testWebhook: staffOrOwnDistributor,
    // licenses
    issueLicense: { ...staffOrOwnDistributor, note: 'staff, or the distributor fulfilling the order' },
    renewLicense: { ...staffOrParty, distributor: 'forbidden', note: 'renewal business; this distributor does not handle renewals' },
    transferLicense: staffOrOwnPartner,
    changeDeployment: staffOrOwnPartner,
    revokeLicense: staffOnly,
    grantMasterLicense: { ...staffOrOwnDistributor, note: 'granted by staff or by the distributor itself' },
    deployUsage: staffOrParty,
    removeDeployment: staffOrParty,
    submitUsageReport: staffOrParty,
    closeUsageMonth: staffOnly,
    // incentives
    computeStatements: adminOnly,
    approveStatement: adminOnly,
    markStatementPaid: adminOnly,
    publishIncentiveRule: adminOnly,
    retireIncentiveRule: adminOnly,
    allocateMdf: staffOnly,
    requestMdf: staffOrOwnPartner,
    decideMdfRequest: staffOnly,
    claimMdf: staffOrOwnPartner,
    decideMdfClaim: staffOnly,
    // every subgraph's parked events (one shared factory)
    retryPartnersParkedEvent: adminOnly,
    retryDealsParkedEvent: adminOnly,
    retryLicensesParkedEvent: adminOnly,
    retryIncentivesParkedEvent: adminOnly,
  },
  subscription: {
    dealUpdated: { ...readScoped, note: 'each subscriber gets only the deals it may read' },
    jobUpdated: { ...staffOnly, note: 'as job(id)' },
  },
};
