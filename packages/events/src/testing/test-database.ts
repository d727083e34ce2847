import { openDatabase, type Database } from '@hub/db';
import { createTestDatabase } from '@hub/testing';
import { eventsEntities } from '../index';
import { EventsTables1795304208116 } from './migrations/EventsTables1795304208116';
import { AddParkedEvents1796156279405 } from '../migrations/AddParkedEvents1796156279405';
import { ProcessedEventAgeIndex1796161448362 } from '../migrations/ProcessedEventAgeIndex1796161448362';
import { TestEffectEntity } from './test-effect.entity';

/** What a subgraph would have: the events tables beside its own (here, one test table). */
export const testEntities = [...eventsEntities, TestEffectEntity];
const testMigrations = [EventsTables1795304208116, AddParkedEvents1796156279405, ProcessedEventAgeIndex1796161448362];

export interface EventsTestDatabase {
  database: Database;
  /** Another data source on the same database, as a second process would have (MariaDB only). */
  openAnother(): Promise<Database>;
  close(): Promise<void>;
}

/** A fresh MariaDB database, or an in-memory SQLite one, with the events tables migrated in. */
export async function openEventsTestDatabase(dialect: 'mysql' | 'sqlite'): Promise<EventsTestDatabase> {
  if (dialect === 'sqlite') {
    const database = await openDatabase({ sqliteFile: ':memory:', entities: testEntities, migrations: testMigrations });
    return {
      database,
      openAnother: () => Promise.reject(new Error('an in-memory SQLite database has a single connection')),
      close: () => database.dataSource.destroy(),
    };
  }
  const scratch = await createTestDatabase('events');
  const open = () => openDatabase({ url: scratch.url, entities: testEntities, migrations: testMigrations });
  const database = await open();
  const others: Database[] = [];
  return {
    database,
    openAnother: async () => {
      const other = await open();
      others.push(other);
      return other;
    },
    close: async () => {
      await Promise.all([database, ...others].map((db) => (db.dataSource.isInitialized ? db.dataSource.destroy() : undefined)));
      await scratch.drop();
    },
  };
}

/** A logger that keeps what it is told, for asserting on (and for quiet test output). */
export function captureLogger() {
  const lines: string[] = [];
  return {
    lines,
    info: (message: string) => void lines.push(`info: ${message}`),
    error: (message: string) => void lines.push(`error: ${message}`),
  };
}

/** Polls `check` until it holds, or fails after `ms` with `what` in the message. */
export async function eventually(what: string, check: () => Promise<boolean> | boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`timed out after ${ms} ms waiting for ${what}`);
}
