/**
 * Opens the team server's database: PostgreSQL when a URL is given, else the embedded PGlite in
 * `<dataDir>/pglite` (an empty dataDir: in memory, for tests). Migrations are applied before the
 * store is handed out; on PostgreSQL a change feed keeps this process in step with the others.
 */
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { PgChangeFeed } from './changeFeed';
import { applyMigrations, MIGRATIONS, type Migration } from './migrations';
import { PostgresDocumentStore } from './postgresDocumentStore';
import { PgliteSqlClient, PgSqlClient, type DatabaseKind, type SqlClient } from './sqlClient';
import { DOCUMENT_SCHEMA_MIGRATION, migrateStoredDocuments, type StoredDocumentsMigration } from './storedDocuments';

export interface Database {
  readonly kind: DatabaseKind;
  readonly store: PostgresDocumentStore;
  /** Runs SQL outside documents (accounts, sessions, advisory locks): parameterised. */
  sql<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  /** The client underneath (transactions, session advisory locks for the scheduler). */
  readonly client: SqlClient;
  /** PostgreSQL: the feed of other processes' commits (null on PGlite). */
  readonly changeFeed: PgChangeFeed | null;
  /** What the start did to documents of an older schema (null when the migrations list has no document schema). */
  readonly storedDocuments: StoredDocumentsMigration | null;
  /** Waits for the store's transactions in flight, stops the change feed and closes the connections. */
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  databaseUrl?: string | null;
  dataDir: string;
  /** Defaults to MIGRATIONS (tests pass their own). */
  migrations?: readonly Migration[];
  /** Connection-level trouble that the database recovers from itself (a dropped idle connection, a feed reconnect). */
  onError?: (error: Error) => void;
  /** PostgreSQL pool size. */
  poolSize?: number;
}

export const PGLITE_FOLDER = 'pglite';
export const PGLITE_LOCK_FILE = 'pglite.lock';

export class DataFolderInUseError extends Error {
  override readonly name = 'DataFolderInUseError';
}

/** Lock files this process holds (one process must not open a folder twice either). */
const foldersOpenHere = new Set<string>();

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * PGlite is one process's database: two processes on one folder corrupt it. A lock file with the
 * owner's pid keeps a second server (or a backup run beside a running server) out; a lock left by
 * a process that died (SIGKILL, power cut) is taken over.
 */
export function lockDataFolder(dataDir: string): () => void {
  const file = join(dataDir, PGLITE_LOCK_FILE);
  if (foldersOpenHere.has(file)) throw new DataFolderInUseError(`The data folder ${dataDir} is already open in this process`);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      foldersOpenHere.add(file);
      return () => {
        foldersOpenHere.delete(file);
        rmSync(file, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      let owner = 0;
      try {
        owner = Number(readFileSync(file, 'utf8').trim());
      } catch {
        continue;
      }
      // Our own pid in a lock we do not hold is a previous life's (a container restarts with the same pid).
      if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && processIsAlive(owner)) {
        throw new DataFolderInUseError(
          `The data folder ${dataDir} is in use by process ${owner} (the embedded database allows one process): stop that server first`,
        );
      }
      rmSync(file, { force: true });
    }
  }
  throw new DataFolderInUseError(`Could not lock the data folder ${dataDir}`);
}

export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  const onError = options.onError ?? ((error: Error) => console.error('[clearway] database:', error.message));
  let client: SqlClient;
  let unlockFolder = () => {};
  if (options.databaseUrl) {
    client = new PgSqlClient(options.databaseUrl, { max: options.poolSize, onError });
  } else {
    let folder: string | null = null;
    if (options.dataDir) {
      folder = join(options.dataDir, PGLITE_FOLDER);
      mkdirSync(folder, { recursive: true });
      unlockFolder = lockDataFolder(options.dataDir);
    }
    try {
      client = await PgliteSqlClient.open(folder);
    } catch (error) {
      unlockFolder();
      throw error;
    }
  }
  const migrations = options.migrations ?? MIGRATIONS;
  let storedDocuments: StoredDocumentsMigration | null = null;
  try {
    await applyMigrations(client, migrations);
    if (migrations.includes(DOCUMENT_SCHEMA_MIGRATION)) storedDocuments = await migrateStoredDocuments(client);
  } catch (error) {
    await client.close();
    unlockFolder();
    throw error;
  }

  let feed: PgChangeFeed | null = null;
  const store = new PostgresDocumentStore(client, { notify: client.kind === 'postgres' });
  if (options.databaseUrl) {
    feed = new PgChangeFeed({
      connectionString: options.databaseUrl,
      origin: store.origin,
      emit: (changes) => store.emit(changes),
      resync: () => store.resync(),
      onError,
    });
    try {
      await feed.start();
    } catch (error) {
      await feed.stop();
      await client.close();
      unlockFolder();
      throw error;
    }
  }

  let closing: Promise<void> | null = null;
  return {
    kind: client.kind,
    store,
    client,
    changeFeed: feed,
    storedDocuments,
    sql: (text, params) => client.query(text, params),
    close() {
      closing ??= (async () => {
        await store.drain();
        await feed?.stop();
        await client.close();
        unlockFolder();
      })();
      return closing;
    },
  };
}
