/**
 * IndexedDB persistence of the local backend (via `idb`): one object store of documents keyed
 * `collection/id`, loaded whole at start and written change by change after each commit. Writes
 * are queued so they land in commit order; `flush()` waits for the queue (tests, reset).
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import { COLLECTIONS, type CollectionName, type DocumentChange, type StoredDoc } from '@clearway/core';

export const DEFAULT_DB_NAME = 'clearway-local';
const DB_VERSION = 1;

interface PersistedDoc {
  collection: CollectionName;
  id: string;
  version: number;
  data: unknown;
}

interface LocalSchema extends DBSchema {
  docs: { key: string; value: PersistedDoc };
  meta: { key: string; value: { key: string; value: unknown } };
}

export type CollectionSnapshot = Record<CollectionName, StoredDoc[]>;

function keyOf(collection: CollectionName, id: string): string {
  return `${collection}/${id}`;
}

function emptySnapshot(): CollectionSnapshot {
  return Object.fromEntries(COLLECTIONS.map((name) => [name, [] as StoredDoc[]])) as CollectionSnapshot;
}

export class LocalPersistence {
  private queue: Promise<void> = Promise.resolve();

  private constructor(private readonly db: IDBPDatabase<LocalSchema>) {}

  static async open(name: string = DEFAULT_DB_NAME): Promise<LocalPersistence> {
    const db = await openDB<LocalSchema>(name, DB_VERSION, {
      upgrade(database) {
        if (!database.objectStoreNames.contains('docs')) database.createObjectStore('docs');
        if (!database.objectStoreNames.contains('meta')) database.createObjectStore('meta', { keyPath: 'key' });
      },
    });
    return new LocalPersistence(db);
  }

  /** Every stored document, grouped by collection, and how many there are. */
  async loadAll(): Promise<{ snapshot: CollectionSnapshot; count: number }> {
    const snapshot = emptySnapshot();
    const rows = await this.db.getAll('docs');
    for (const row of rows) {
      if (!(COLLECTIONS as readonly string[]).includes(row.collection)) continue;
      snapshot[row.collection].push({ id: row.id, version: row.version, data: row.data });
    }
    return { snapshot, count: rows.length };
  }

  /** Queues the changes of one commit (or one remote batch) as one IndexedDB transaction. */
  write(changes: DocumentChange[]): Promise<void> {
    if (changes.length === 0) return this.queue;
    this.queue = this.queue
      .then(async () => {
        const tx = this.db.transaction('docs', 'readwrite');
        for (const change of changes) {
          const key = keyOf(change.collection, change.id);
          if (change.doc) {
            void tx.store.put(
              { collection: change.collection, id: change.id, version: change.doc.version, data: change.doc.data },
              key,
            );
          } else {
            void tx.store.delete(key);
          }
        }
        await tx.done;
      })
      .catch((error: unknown) => {
        console.error('[clearway] could not persist changes to IndexedDB', error);
      });
    return this.queue;
  }

  /** Replaces every stored document with `snapshot` (first start, reset). */
  replaceAll(snapshot: Partial<CollectionSnapshot>): Promise<void> {
    this.queue = this.queue.then(async () => {
      const tx = this.db.transaction(['docs', 'meta'], 'readwrite');
      const docs = tx.objectStore('docs');
      void docs.clear();
      for (const [collection, list] of Object.entries(snapshot) as [CollectionName, StoredDoc[]][]) {
        for (const doc of list) {
          void docs.put({ collection, id: doc.id, version: doc.version, data: doc.data }, keyOf(collection, doc.id));
        }
      }
      void tx.objectStore('meta').put({ key: 'seededAt', value: new Date().toISOString() });
      await tx.done;
    });
    return this.queue;
  }

  flush(): Promise<void> {
    return this.queue;
  }

  close(): void {
    this.db.close();
  }
}
