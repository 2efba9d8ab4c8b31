/**
 * IndexedDB persistence of the local backend (via `idb`).
 *
 * `docs` holds one row per document keyed `collection/id`, stamped with the schema version it was
 * written in and the sequence number of the commit that wrote it; a delete leaves a tombstone row
 * so that a tab can learn of it. `meta/head` holds the latest commit's sequence number and the
 * workspace epoch (a new one on every reset or clear). A tab that holds the writer lock reads what
 * changed since its own last sequence (the `bySeq` index), runs its command, and commits the
 * changed rows together with the new head in ONE IndexedDB transaction, so a commit is all or
 * nothing and tabs never interleave.
 *
 * Rows that cannot be read (corrupt, or written by a newer release) are moved to `quarantine`
 * with the reason at load: kept aside, never deleted, and reported on screen.
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import {
  COLLECTIONS,
  SCHEMA_VERSION,
  migrateStoredDoc,
  type CollectionName,
  type DocumentChange,
  type StoredDoc,
  type VersionedStoredDoc,
} from '@clearway/core';

export const DEFAULT_DB_NAME = 'clearway-local';
/** 1: rows without schema version or sequence; 2: adds `bySeq`, `quarantine` and `meta/head`. */
const DB_VERSION = 2;
const HEAD_KEY = 'head';

interface PersistedDoc {
  collection: CollectionName;
  id: string;
  version: number;
  data: unknown;
  /** Absent on rows written before schema versions (version 1). */
  schemaVersion?: number;
  /** The commit that wrote the row; absent on rows written before sequences. */
  seq?: number;
  /** A tombstone: the document was deleted by commit `seq`. */
  deleted?: true;
}

export interface QuarantinedRecord {
  key: string;
  reason: string;
  quarantinedAt: string;
  /** The row exactly as it was stored. */
  row: unknown;
}

export interface Head {
  seq: number;
  epoch: string;
}

interface LocalSchema extends DBSchema {
  docs: { key: string; value: PersistedDoc; indexes: { bySeq: number } };
  meta: { key: string; value: { key: string; value: unknown } };
  quarantine: { key: string; value: QuarantinedRecord };
}

export type CollectionSnapshot = Record<CollectionName, StoredDoc[]>;

export interface LoadedWorkspace {
  snapshot: CollectionSnapshot;
  count: number;
  /** null on a database that has never been seeded (or predates heads and holds no row). */
  head: Head | null;
  /** Rows moved to quarantine by this load. */
  quarantinedNow: number;
}

function keyOf(collection: CollectionName, id: string): string {
  return `${collection}/${id}`;
}

export function emptySnapshot(): CollectionSnapshot {
  return Object.fromEntries(COLLECTIONS.map((name) => [name, [] as StoredDoc[]])) as CollectionSnapshot;
}

export function newEpoch(): string {
  return globalThis.crypto?.randomUUID?.() ?? `${Date.now()}-${Math.random().toString(36).slice(2)}`;
}

function isHead(value: unknown): value is Head {
  const head = value as Partial<Head> | null;
  return head !== null && typeof head === 'object' && typeof head.seq === 'number' && typeof head.epoch === 'string';
}

function rowOf(collection: CollectionName, doc: StoredDoc, seq: number): PersistedDoc {
  return { collection, id: doc.id, version: doc.version, data: doc.data, schemaVersion: SCHEMA_VERSION, seq };
}

/** A stored row as the current shape, or why it cannot be read. */
function readRow(row: unknown): { collection: CollectionName; doc: StoredDoc } | { quarantined: string } {
  if (row === null || typeof row !== 'object') return { quarantined: 'not a record' };
  const candidate = row as Partial<PersistedDoc>;
  if (!(COLLECTIONS as readonly string[]).includes(candidate.collection as string)) {
    return { quarantined: `unknown collection ${String(candidate.collection)}` };
  }
  const collection = candidate.collection as CollectionName;
  const doc: VersionedStoredDoc = {
    id: candidate.id as string,
    version: candidate.version as number,
    data: candidate.data,
    ...(candidate.schemaVersion === undefined ? {} : { schemaVersion: candidate.schemaVersion }),
  };
  const migrated = migrateStoredDoc(collection, doc);
  return 'quarantined' in migrated ? migrated : { collection, doc: migrated.doc };
}

/** Another tab committed since this one caught up: only possible without Web Locks. */
export class HeadMovedError extends Error {
  constructor(
    readonly current: Head | null,
    readonly expected: Head | null,
  ) {
    super(`IndexedDB head moved to ${JSON.stringify(current)}, expected ${JSON.stringify(expected)}`);
    this.name = 'HeadMovedError';
  }
}

export class LocalPersistence {
  private constructor(private readonly db: IDBPDatabase<LocalSchema>) {}

  /**
   * Opens (and if needed upgrades) the database. A tab of an older release that holds it open
   * blocks the upgrade until it closes: rather than hang on "loading", the open fails at once
   * (the app then runs in memory and says so) and a late success is closed again.
   */
  static open(name: string = DEFAULT_DB_NAME): Promise<LocalPersistence> {
    return new Promise((resolve, reject) => {
      let settled = false;
      const opening = openDB<LocalSchema>(name, DB_VERSION, {
        upgrade(database, _oldVersion, _newVersion, tx) {
          const docs = database.objectStoreNames.contains('docs') ? tx.objectStore('docs') : database.createObjectStore('docs');
          if (!docs.indexNames.contains('bySeq')) docs.createIndex('bySeq', 'seq');
          if (!database.objectStoreNames.contains('meta')) database.createObjectStore('meta', { keyPath: 'key' });
          if (!database.objectStoreNames.contains('quarantine')) database.createObjectStore('quarantine');
        },
        blocked() {
          settled = true;
          reject(new DOMException('Another tab of an older version keeps the local database open: close it and reload.', 'BlockedError'));
        },
        // A tab of a newer release wants to upgrade: let it; this tab's next write then fails and says so.
        blocking() {
          void opening.then((db) => db.close());
        },
      });
      opening.then(
        (db) => {
          if (settled) db.close();
          else resolve(new LocalPersistence(db));
        },
        (error: unknown) => {
          if (!settled) reject(error instanceof Error ? error : new Error(String(error)));
        },
      );
    });
  }

  async readHead(): Promise<Head | null> {
    const row = await this.db.get('meta', HEAD_KEY);
    return isHead(row?.value) ? row.value : null;
  }

  /**
   * Every readable document, migrated to the current shape. Rows of an older schema are rewritten
   * in the current one and unreadable rows move to quarantine, in a second transaction that only
   * runs when there is something to do (the read itself is two bulk reads: a cursor over 5,000
   * projects would cost seconds at every start).
   */
  async loadAll(now: Date = new Date()): Promise<LoadedWorkspace> {
    const read = this.db.transaction(['docs', 'meta'], 'readonly');
    const [keys, rows, headRow] = await Promise.all([
      read.objectStore('docs').getAllKeys(),
      read.objectStore('docs').getAll(),
      read.objectStore('meta').get(HEAD_KEY),
    ]);
    await read.done;
    let head = isHead(headRow?.value) ? headRow.value : null;

    const snapshot = emptySnapshot();
    let count = 0;
    const toQuarantine: QuarantinedRecord[] = [];
    const toRewrite: [string, PersistedDoc][] = [];
    rows.forEach((row, index) => {
      if ((row as PersistedDoc | null)?.deleted) return;
      const key = keys[index]!;
      const result = readRow(row);
      if ('quarantined' in result) {
        toQuarantine.push({ key, reason: result.quarantined, quarantinedAt: now.toISOString(), row });
        return;
      }
      snapshot[result.collection].push(result.doc);
      count++;
      if (row.schemaVersion !== SCHEMA_VERSION) toRewrite.push([key, rowOf(result.collection, result.doc, row.seq ?? 0)]);
    });
    // A database of the release before heads: its rows are the workspace as of sequence 0.
    const newHead = !head && rows.length > 0 ? { seq: 0, epoch: newEpoch() } : null;
    if (toQuarantine.length > 0 || toRewrite.length > 0 || newHead) {
      const write = this.db.transaction(['docs', 'meta', 'quarantine'], 'readwrite');
      const writes: Promise<unknown>[] = [];
      for (const record of toQuarantine) {
        writes.push(write.objectStore('quarantine').put(record, record.key));
        writes.push(write.objectStore('docs').delete(record.key));
      }
      for (const [key, row] of toRewrite) writes.push(write.objectStore('docs').put(row, key));
      if (newHead) writes.push(write.objectStore('meta').put({ key: HEAD_KEY, value: newHead }));
      await Promise.all(writes);
      await write.done;
      head = newHead ?? head;
    }
    return { snapshot, count, head, quarantinedNow: toQuarantine.length };
  }

  /** The changes committed after `seq` (documents, migrated, and deletions) and the head now. */
  async changesSince(seq: number): Promise<{ head: Head | null; changes: DocumentChange[]; unreadable: number }> {
    const tx = this.db.transaction(['docs', 'meta'], 'readonly');
    const headRow = await tx.objectStore('meta').get(HEAD_KEY);
    const head = isHead(headRow?.value) ? headRow.value : null;
    const rows = await tx.objectStore('docs').index('bySeq').getAll(IDBKeyRange.lowerBound(seq, true));
    await tx.done;
    const changes: DocumentChange[] = [];
    let unreadable = 0;
    for (const row of rows) {
      if (row.deleted) {
        changes.push({ collection: row.collection, id: row.id, doc: null });
        continue;
      }
      const read = readRow(row);
      if ('quarantined' in read) unreadable++;
      else changes.push({ collection: read.collection, id: read.doc.id, doc: read.doc });
    }
    return { head, changes, unreadable };
  }

  /**
   * Commits the changes of one command as sequence `head.seq` in one transaction, only if the
   * stored head is still `expected` (the writer lock makes that so; the check makes sure).
   */
  async commit(changes: DocumentChange[], expected: Head | null, next: Head): Promise<void> {
    const tx = this.db.transaction(['docs', 'meta'], 'readwrite');
    const meta = tx.objectStore('meta');
    const stored = await meta.get(HEAD_KEY);
    const current = isHead(stored?.value) ? stored.value : null;
    if (current?.seq !== expected?.seq || current?.epoch !== expected?.epoch) {
      tx.abort();
      await tx.done.catch(() => undefined);
      throw new HeadMovedError(current, expected);
    }
    const docs = tx.objectStore('docs');
    const writes: Promise<unknown>[] = [];
    for (const change of changes) {
      const key = keyOf(change.collection, change.id);
      writes.push(
        change.doc
          ? docs.put(rowOf(change.collection, change.doc, next.seq), key)
          : docs.put({ collection: change.collection, id: change.id, version: 0, data: null, seq: next.seq, deleted: true }, key),
      );
    }
    writes.push(meta.put({ key: HEAD_KEY, value: next }));
    await Promise.all(writes);
    await tx.done;
  }

  /** The stored documents at `keys` (null where absent or deleted): the state before a failed commit. */
  async readDocs(changes: DocumentChange[]): Promise<DocumentChange[]> {
    const tx = this.db.transaction('docs', 'readonly');
    const out: DocumentChange[] = [];
    for (const change of changes) {
      const row = await tx.store.get(keyOf(change.collection, change.id));
      const read = row && !row.deleted ? readRow(row) : null;
      out.push({ collection: change.collection, id: change.id, doc: read && !('quarantined' in read) ? read.doc : null });
    }
    await tx.done;
    return out;
  }

  /** Replaces every stored document with `snapshot` under a new epoch (first start, reset, clear). */
  async replaceAll(snapshot: Partial<CollectionSnapshot>, head: Head): Promise<void> {
    const tx = this.db.transaction(['docs', 'meta'], 'readwrite');
    const docs = tx.objectStore('docs');
    const writes: Promise<unknown>[] = [docs.clear()];
    for (const [collection, list] of Object.entries(snapshot) as [CollectionName, StoredDoc[]][]) {
      for (const doc of list) writes.push(docs.put(rowOf(collection, doc, head.seq), keyOf(collection, doc.id)));
    }
    writes.push(tx.objectStore('meta').put({ key: HEAD_KEY, value: head }));
    writes.push(tx.objectStore('meta').put({ key: 'seededAt', value: new Date().toISOString() }));
    await Promise.all(writes);
    await tx.done;
  }

  async quarantined(): Promise<QuarantinedRecord[]> {
    return this.db.getAll('quarantine');
  }

  async quarantineCount(): Promise<number> {
    return this.db.count('quarantine');
  }

  close(): void {
    this.db.close();
  }
}
