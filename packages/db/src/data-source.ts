import 'reflect-metadata';
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { DataSource, type DataSourceOptions, type EntityManager, type MigrationInterface } from 'typeorm';
import { createConnection } from 'mysql2/promise';
import { QueryCounter } from './query-counter';
import { CommitSignals, type CommitListener } from './commit-signals';
import { audited, AuditTrailSubscriber } from './audit';
import { DEFAULT_DATABASE_TIMEOUTS, timedMysqlDriver, type DatabaseTimeouts } from './timeouts';

type MigrationClass = new () => MigrationInterface;

/** Notes the rows each audited transaction writes (see ./audit). */
const auditSubscribers: DataSourceOptions['subscribers'] = [AuditTrailSubscriber];

export interface DatabaseOptions {
  /** `mysql://user:pass@host:port/db`; when absent the embedded SQLite file is used. */
  url?: string;
  /** The embedded default: one SQLite file per subgraph. */
  sqliteFile?: string;
  entities: NonNullable<DataSourceOptions['entities']>;
  migrations: MigrationClass[];
  /** Read replicas for BI-heavy reads (MySQL only). */
  replicaUrls?: string[];
  poolSize?: number;
  logQueries?: boolean;
  /** A statement that takes longer is logged as a slow query (default 1,000 ms). */
  slowQueryMs?: number;
  /** Connect and statement timeouts on MySQL/MariaDB (see ./timeouts); SQLite waits busy_timeout. */
  timeouts?: Partial<DatabaseTimeouts>;
}

export interface Database {
  dataSource: DataSource;
  queries: QueryCounter;
  dialect: 'mysql' | 'sqlite';
  /** Runs `work` in one transaction: everything it writes commits together or not at all. */
  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T>;
  /**
   * Hears the signals (`signalOnCommit`) of each transaction `transaction` commits, in this
   * process; returns a function that stops listening.
   */
  onCommit(listener: CommitListener): () => void;
}

function transactionRunner(dataSource: DataSource, dialect: Database['dialect'], signals: CommitSignals): Database['transaction'] {
  // Signals are collected around the audit trail's work, so the audit event it records counts too.
  if (dialect === 'mysql') return (work) => signals.wrap((signalled) => dataSource.transaction('READ COMMITTED', signalled), audited(work));
  // The embedded SQLite database has one connection; overlapping transactions on it would nest
  // instead of isolating, so writers take turns.
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(work: (manager: EntityManager) => Promise<T>) => {
    const run = tail.then(() => signals.wrap<T>((signalled) => dataSource.transaction(signalled), audited(work)));
    tail = run.catch(() => undefined);
    return run;
  };
}

function databaseOf(dataSource: DataSource, queries: QueryCounter, dialect: Database['dialect']): Database {
  const signals = new CommitSignals();
  return { dataSource, queries, dialect, transaction: transactionRunner(dataSource, dialect, signals), onCommit: (listener) => signals.listen(listener) };
}

/** MySQL and MariaDB speak one protocol but report schema details differently; TypeORM needs to know which. */
export type MysqlFlavor = 'mysql' | 'mariadb';

export async function detectMysqlFlavor(url: string, connectTimeoutMs = DEFAULT_DATABASE_TIMEOUTS.connectMs): Promise<MysqlFlavor> {
  const connection = await createConnection({ uri: url.replace(/^mariadb:/, 'mysql:'), connectTimeout: connectTimeoutMs });
  try {
    const [rows] = await connection.query('SELECT VERSION() AS version');
    return String((rows as { version: string }[])[0]?.version).includes('MariaDB') ? 'mariadb' : 'mysql';
  } finally {
    await connection.end();
  }
}

/**
 * Creates the URL's database when it does not exist and the account may create it, so a new
 * installation needs no manual step. Without that privilege the migrations report the
 * missing database instead.
 */
export async function ensureMysqlDatabase(url: string, connectTimeoutMs = DEFAULT_DATABASE_TIMEOUTS.connectMs): Promise<void> {
  const target = new URL(url.replace(/^mariadb:/, 'mysql:'));
  const name = decodeURIComponent(target.pathname.slice(1));
  if (!name) return;
  target.pathname = '/';
  const connection = await createConnection({ uri: target.toString(), connectTimeout: connectTimeoutMs });
  try {
    await connection.query(`CREATE DATABASE IF NOT EXISTS \`${name.replace(/`/g, '``')}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  } catch {
    // no CREATE privilege: the database must be provisioned by an administrator
  } finally {
    await connection.end();
  }
}

/**
 * The embedded database's settings, after WAL (TypeORM's enableWAL). In WAL mode a commit with
 * synchronous=NORMAL is durable against a crash of the process and loses at most the last
 * transactions on a power cut, and no longer waits for an fsync per commit. 64 MB of page cache
 * (negative: KiB) keeps the hub's working set in memory; temporary indexes of sorts and
 * GROUP BYs stay in memory too.
 */
export const SQLITE_PRAGMAS = ['foreign_keys = ON', 'busy_timeout = 5000', 'synchronous = NORMAL', 'cache_size = -65536', 'temp_store = MEMORY'] as const;

export const DEFAULT_SLOW_QUERY_MS = 1_000;

/**
 * `timeoutState.enforced` switches the statement timeouts on; openDatabase switches them on
 * after the migrations, whose statements may rightly take longer.
 */
export function createDatabase(options: DatabaseOptions, flavor: MysqlFlavor = 'mysql', timeoutState = { enforced: true }): Database {
  const queries = new QueryCounter(options.logQueries ?? false);
  const common = {
    entities: options.entities,
    migrations: options.migrations,
    migrationsTableName: 'schema_migrations',
    // Migrations are the schema's source of truth on every dialect; nothing is synchronised.
    synchronize: false,
    migrationsRun: false,
    subscribers: auditSubscribers,
    logger: queries,
    maxQueryExecutionTime: options.slowQueryMs ?? DEFAULT_SLOW_QUERY_MS,
  } as const;

  if (options.url) {
    const url = options.url.replace(/^mariadb:/, 'mysql:');
    const replication = options.replicaUrls?.length
      ? { replication: { master: { url }, slaves: options.replicaUrls.map((replica) => ({ url: replica.replace(/^mariadb:/, 'mysql:') })) } }
      : { url };
    const timeouts = { ...DEFAULT_DATABASE_TIMEOUTS, ...options.timeouts };
    // Replicas are pooled by mysql2's PoolCluster, which the timed driver does not wrap: they get
    // the connect timeout only.
    const driver = options.replicaUrls?.length ? {} : { driver: timedMysqlDriver(flavor, timeouts, timeoutState) };
    const config: DataSourceOptions = {
      ...common,
      ...replication,
      ...driver,
      connectTimeout: timeouts.connectMs,
      type: flavor,
      // Amounts are BIGINT minor units: keep them exact as strings, never as JS numbers.
      supportBigNumbers: true,
      bigNumberStrings: true,
      dateStrings: ['DATE'],
      timezone: 'Z',
      charset: 'utf8mb4_unicode_ci',
      poolSize: options.poolSize ?? 10,
    };
    const dataSource = new DataSource(config);
    return databaseOf(dataSource, queries, 'mysql');
  }

  const file = options.sqliteFile ?? ':memory:';
  if (file !== ':memory:') createPrivateSqliteFile(file);
  const config: DataSourceOptions = {
    ...common,
    type: 'better-sqlite3',
    database: file,
    enableWAL: file !== ':memory:',
    prepareDatabase: (db: { pragma(sql: string): unknown }) => {
      for (const pragma of SQLITE_PRAGMAS) db.pragma(pragma);
    },
  };
  const dataSource = new DataSource(config);
  return databaseOf(dataSource, queries, 'sqlite');
}

/**
 * The embedded SQLite files hold every partner's data, so only their owner may read them: the
 * directory is created 0700 and the file 0600 before SQLite opens it, and SQLite gives the -wal
 * and -shm files it creates the database file's mode. Files left by an older version are
 * narrowed too.
 */
function createPrivateSqliteFile(file: string): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  closeSync(openSync(file, 'a', 0o600));
  for (const path of [file, `${file}-wal`, `${file}-shm`]) if (existsSync(path)) chmodSync(path, 0o600);
}

/** Connects and brings the schema up to date by running pending migrations. */
export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  const connectMs = options.timeouts?.connectMs;
  if (options.url) await ensureMysqlDatabase(options.url, connectMs);
  const timeoutState = { enforced: false };
  const database = createDatabase(options, options.url ? await detectMysqlFlavor(options.url, connectMs) : undefined, timeoutState);
  await database.dataSource.initialize();
  await database.dataSource.runMigrations({ transaction: 'each' });
  timeoutState.enforced = true;
  return database;
}
