import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { Claims } from '@hub/auth';
import { newId, type Database } from '@hub/db';
import { adjustableClock } from '@hub/domain';
import { InProcessBus, OutboxEntity, type DomainEvent } from '@hub/events';
import { createTestDatabase, subgraphClient, type GraphQLResponse, type TestDatabase } from '@hub/testing';
import {
  DistributorRefEntity,
  EndCustomerEntity,
  LicenseEntity,
  LicenseTermEntity,
  MasterLicenseEntity,
  PartnerRefEntity,
  UsageDeploymentEntity,
  UsageReportEntity,
  UsageReportLineEntity,
  UsageStatementEntity,
  UsageStatementLineEntity,
} from './entities';
import { demoCatalog } from './seeds/catalog';
import { createLicensesServer, openLicensesDatabase } from './server';
import { partnerFactsConsumer } from './services/partner-refs.consumer';

/*
 * What the licenses integration suites share: a real server on MariaDB or an embedded SQLite
 * file, an adjustable clock, partner facts fed as the partners subgraph publishes them, and
 * GraphQL calls signed as the gateway signs them.
 */

export const SECRET = 'integration-test-gateway-secret-0123456789';

/** Day 0 of the suites. Tests that need other days set the clock and are put back after each test. */
export const DAY0 = '2026-06-15';

export const DIALECTS = [{ dialect: 'mysql' as const }, { dialect: 'sqlite' as const }];

export const admin: Claims = { sub: 'admin@vendor', role: 'vendor_admin' };
export const channelManager: Claims = { sub: 'cm@vendor', role: 'channel_manager' };
export const bi: Claims = { sub: 'bi-tool', role: 'bi' };

/** Renews maintenance for its partners; not in the usage-based program. */
export const DIST_RENEWALS = newId();
/** Fulfils orders only: no renewals, no usage program. */
export const DIST_PLAIN = newId();
/** In the usage-based program; does not handle renewals. */
export const DIST_USAGE = newId();
/** A second distributor in the usage-based program, to show each sees only what it serves. */
export const DIST_USAGE_2 = newId();

export const RESELLER_A = newId();
export const RESELLER_B = newId();

export const partnerClaims = (partnerId: string, sub = `user@${partnerId.slice(-6)}`): Claims => ({ sub, role: 'partner', partnerId });
export const distributorClaims = (distributorId: string): Claims => ({ sub: `api@${distributorId.slice(-6)}`, role: 'distributor', distributorId });

export function fact(type: string, aggregateId: string, payload: unknown, occurredAt = `${DAY0}T08:00:00.000Z`): DomainEvent {
  return { id: newId(), type, version: 1, occurredAt, source: 'partners', aggregateId, payload };
}

export interface PartnerFacts {
  name: string;
  country?: string;
  programCode?: string;
  currency?: string;
  status?: string;
  businessModels?: string[];
  distributorIds: string[];
}

/** A `partner.created` event with the payload the partners subgraph publishes. */
export function partnerCreated(partnerId: string, facts: PartnerFacts): DomainEvent {
  return fact('partner.created', partnerId, {
    partnerId,
    name: facts.name,
    country: facts.country ?? 'FR',
    programCode: facts.programCode ?? 'FR-2023',
    currency: facts.currency ?? 'EUR',
    status: facts.status ?? 'ACTIVE',
    segmentFocus: 'SMB',
    businessModels: facts.businessModels ?? ['RESELLER'],
    distributorIds: facts.distributorIds,
  });
}

export function distributorSaved(distributorId: string, name: string, flags: { handlesRenewals: boolean; usageBasedProgram: boolean }): DomainEvent {
  return fact('distributor.saved', distributorId, { distributorId, name, countries: ['FR', 'AU'], ...flags });
}

/** The partners and distributors every suite starts from, delivered through the bus. */
export const BASE_FACTS: DomainEvent[] = [
  distributorSaved(DIST_RENEWALS, 'Distri Renouvellements', { handlesRenewals: true, usageBasedProgram: false }),
  distributorSaved(DIST_PLAIN, 'Distri Simple', { handlesRenewals: false, usageBasedProgram: false }),
  distributorSaved(DIST_USAGE, 'Distri Usage', { handlesRenewals: false, usageBasedProgram: true }),
  distributorSaved(DIST_USAGE_2, 'Distri Usage Deux', { handlesRenewals: false, usageBasedProgram: true }),
  partnerCreated(RESELLER_A, { name: 'Alpha Revente', distributorIds: [DIST_RENEWALS, DIST_PLAIN, DIST_USAGE] }),
  partnerCreated(RESELLER_B, { name: 'Beta Revente', distributorIds: [DIST_PLAIN] }),
];

export interface Harness {
  dialect: 'mysql' | 'sqlite';
  clock: ReturnType<typeof adjustableClock>;
  /** Moves the clock to 10:00 UTC on `date`. */
  at(date: string): void;
  database: Database;
  bus: InProcessBus;
  server: Awaited<ReturnType<typeof createLicensesServer>>;
  call: ReturnType<typeof subgraphClient>;
  stop(): Promise<void>;
}

export async function startHarness(dialect: 'mysql' | 'sqlite', label: string): Promise<Harness> {
  const clock = adjustableClock(`${DAY0}T10:00:00Z`);
  let testDb: TestDatabase | undefined;
  let sqliteDir: string | undefined;
  if (dialect === 'mysql') testDb = await createTestDatabase(label);
  else sqliteDir = mkdtempSync(join(tmpdir(), `hub-${label}-`));
  const database = await openLicensesDatabase(testDb ? { url: testDb.url } : { sqliteFile: join(sqliteDir!, 'licenses.sqlite') });
  const bus = new InProcessBus();
  const server = await createLicensesServer({ database, bus, gatewaySecret: SECRET, clock });
  const running = await server.start(0);
  await bus.publish(BASE_FACTS);
  await until(
    async () => (await database.dataSource.manager.count(PartnerRefEntity)) === 2 && (await database.dataSource.manager.count(DistributorRefEntity)) === 4,
  );
  return {
    dialect,
    clock,
    at: (date) => clock.set(`${date}T10:00:00Z`),
    database,
    bus,
    server,
    call: subgraphClient(running.url, SECRET),
    stop: async () => {
      await running.close();
      await bus.close();
      await database.dataSource.destroy();
      await testDb?.drop();
      if (sqliteDir) rmSync(sqliteDir, { recursive: true, force: true });
    },
  };
}

/** A partner known to licences at once, applied as the partner-facts consumer applies it. */
export async function addPartner(h: Harness, facts: PartnerFacts): Promise<string> {
  const partnerId = newId();
  await h.database.transaction((manager) => partnerFactsConsumer.handle(partnerCreated(partnerId, facts), manager, new Date()));
  return partnerId;
}

/** Every table a licences write may touch, counted, to prove a refusal wrote nothing. */
export async function rowCounts(h: Harness): Promise<Record<string, number>> {
  const manager = h.database.dataSource.manager;
  const entities = {
    license: LicenseEntity,
    license_term: LicenseTermEntity,
    end_customer: EndCustomerEntity,
    master_license: MasterLicenseEntity,
    usage_deployment: UsageDeploymentEntity,
    usage_report: UsageReportEntity,
    usage_report_line: UsageReportLineEntity,
    usage_statement: UsageStatementEntity,
    usage_statement_line: UsageStatementLineEntity,
    outbox: OutboxEntity,
  };
  const counts: Record<string, number> = {};
  for (const [table, entity] of Object.entries(entities)) counts[table] = await manager.count(entity as never);
  return counts;
}

const CATALOG = demoCatalog();

/** Price per seat-year of a term SKU in the demo price book, minor units. */
export function termPricePerSeatYear(sku: string, currency = 'EUR'): bigint {
  const price = CATALOG.termPrices.find((row) => row.sku === sku && row.currency === currency);
  if (!price) throw new Error(`no ${currency} term price for ${sku} in the demo catalog`);
  return price.pricePerSeatYear;
}

/** Unit price per seat-month of a usage SKU's tier starting at `fromSeats`, minor units. */
export function usageUnitPrice(sku: string, fromSeats: number, currency = 'EUR'): bigint {
  const price = CATALOG.usagePrices.find((row) => row.sku === sku && row.currency === currency && row.fromSeats === fromSeats);
  if (!price) throw new Error(`no ${currency} usage tier from ${fromSeats} for ${sku} in the demo catalog`);
  return price.unitPrice;
}

/** `minor` as the API writes it for a two-decimal currency. */
export function decimal(minor: bigint): string {
  const sign = minor < 0n ? '-' : '';
  const abs = minor < 0n ? -minor : minor;
  return `${sign}${abs / 100n}.${String(abs % 100n).padStart(2, '0')}`;
}

export async function must<T>(response: Promise<GraphQLResponse<T>>): Promise<T> {
  const result = await response;
  expect(result.errors, JSON.stringify(result.errors)).toBeUndefined();
  return result.data!;
}

/** Polls `condition` until it holds; fails after `timeoutMs`. */
export async function until(condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
