import { readdirSync, readFileSync } from 'node:fs';
import type { Database } from '@hub/db';
import { applyOnce, ParkedEventEntity, type DomainEvent, type VersionedConsumer } from '@hub/events';
import { catalogue, type EventContract } from './catalogue';

/*
 * One recorded envelope per event type and version (fixtures/<type>.v<version>.json): the
 * contract tests replay them into every consumer of the type, so a consumer is checked against
 * what publishers send, not against what its own tests happen to build. Test support only: it
 * reads files, so it is its own entry point (@hub/contracts/fixtures), not part of the index.
 */

const DIRECTORY = new URL('../fixtures/', import.meta.url);

export const fixtureFile = (type: string, version: number): string => `${type}.v${version}.json`;

/** Every fixture file present, by name. */
export function fixtureFiles(): string[] {
  return readdirSync(DIRECTORY)
    .filter((name) => name.endsWith('.json'))
    .sort();
}

export function fixtureEnvelope(type: string, version: number): DomainEvent {
  return JSON.parse(readFileSync(new URL(fixtureFile(type, version), DIRECTORY), 'utf8')) as DomainEvent;
}

/** The fixtures of every version of each of `types` the catalogue declares, in catalogue order. */
export function fixturesOf(types: readonly string[]): DomainEvent[] {
  const versions = catalogue as Record<string, Record<number, EventContract>>;
  return types.flatMap((type) => Object.keys(versions[type] ?? {}).map((version) => fixtureEnvelope(type, Number(version))));
}

/**
 * Replays the fixture of every type and version `consumer` handles into it, each in its own
 * exactly-once transaction as the bus would deliver it; returns how many were applied and what
 * it parked (a contract test expects nothing parked).
 */
export async function replayFixtures(database: Database, consumer: VersionedConsumer, now = new Date()): Promise<{ applied: number; parked: ParkedEventEntity[] }> {
  let applied = 0;
  for (const envelope of fixturesOf(consumer.types)) if (await applyOnce(database, consumer.name, envelope, consumer.handle, now)) applied += 1;
  return { applied, parked: await database.dataSource.manager.findBy(ParkedEventEntity, { consumer: consumer.name }) };
}
