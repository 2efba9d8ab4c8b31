/**
 * The in-memory DocumentStore: the local backend's database and the tests' store.
 *
 * Transactions are optimistic and serializable. Each attempt records what it read (every `get`,
 * including a document found absent, and every query's result); the commit, which runs
 * synchronously and so atomically, checks that none of it changed and that every write's
 * precondition holds. A conflict caused by a commit that landed while the attempt ran retries the
 * callback (up to MAX_RETRIES times). A stale `expectedVersion` that no concurrent commit explains
 * is the caller's stale view: it fails at once with a ConflictError and is never retried, so a
 * retry can never turn a client's out-of-date edit into a success.
 */
import { ConflictError } from '../errors';
import type {
  CollectionName,
  DocumentChange,
  DocumentStore,
  QuerySpec,
  StoredDoc,
  TransactionContext,
} from './documentStore';
import { COLLECTIONS } from './documentStore';
import { runQuery } from './query';

export const MAX_TRANSACTION_RETRIES = 5;

/** Why listeners are told about a change: a local commit, a change from elsewhere, or an import. */
export type ChangeOrigin = 'commit' | 'remote' | 'import';
export type ChangeListener = (changes: DocumentChange[], origin: ChangeOrigin) => void;
export type StoreSnapshot = Record<CollectionName, StoredDoc[]>;
/** Fetches a deferred collection and hands it over with `loadCollection` (the local backend's IndexedDB). */
export type CollectionLoader = (collection: CollectionName) => Promise<void>;

interface Entry {
  /** null once deleted: the tombstone keeps `revision` so a read of the absence can be validated. */
  doc: StoredDoc | null;
  /** Store-wide sequence number of the commit that last wrote this entry (0 = never existed). */
  revision: number;
}

type PendingWrite =
  | { kind: 'create'; collection: CollectionName; id: string; data: unknown }
  | { kind: 'update'; collection: CollectionName; id: string; data: unknown; expectedVersion: number }
  | { kind: 'delete'; collection: CollectionName; id: string; expectedVersion: number };

/** Thrown inside the store only: the attempt lost a race and must run again. */
class RetryableConflict extends Error {
  constructor(
    readonly collection: CollectionName,
    readonly id: string,
  ) {
    super(`transaction conflict on ${collection}/${id}`);
  }
}

const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function clone<T>(value: T): T {
  return structuredClone(value);
}

function keyOf(collection: CollectionName, id: string): string {
  return `${collection}/${id}`;
}

function assertCollection(collection: string): asserts collection is CollectionName {
  if (!(COLLECTIONS as readonly string[]).includes(collection)) {
    throw new Error(`Unknown collection ${collection}`);
  }
}

function assertVersionArgument(expectedVersion: number): void {
  if (!Number.isInteger(expectedVersion) || expectedVersion < 1) {
    throw new Error(`expectedVersion must be a positive integer, got ${String(expectedVersion)}`);
  }
}

export class MemoryDocumentStore implements DocumentStore {
  private readonly collections = new Map<CollectionName, Map<string, Entry>>(
    COLLECTIONS.map((name) => [name, new Map<string, Entry>()]),
  );
  private sequence = 0;
  private readonly listeners = new Set<ChangeListener>();
  /**
   * Collections whose documents are not in memory yet (see `importAll`'s `deferred`): every read
   * of one, and a transaction that writes one, first awaits the loader.
   */
  private readonly deferred = new Set<CollectionName>();
  private loader: CollectionLoader | null = null;

  /** How deferred collections are fetched; without one a deferred collection reads as empty. */
  setLoader(loader: CollectionLoader | null): void {
    this.loader = loader;
  }

  isLoaded(collection: CollectionName): boolean {
    return !this.deferred.has(collection);
  }

  /**
   * Drops collections from memory that nothing reads at the moment (the local backend after its
   * stall scan): their next read fetches them through the loader again. Listeners are not told.
   * Only for a caller that knows no transaction is running: one in flight would retry.
   */
  deferCollections(collections: readonly CollectionName[]): void {
    if (!this.loader) throw new Error('deferCollections needs a loader');
    for (const name of collections) {
      assertCollection(name);
      this.collections.get(name)!.clear();
      this.deferred.add(name);
    }
    this.sequence++;
  }

  /** @internal awaited before a read of `collection` (by the store and its transactions) */
  async ensureLoaded(collection: CollectionName): Promise<void> {
    while (this.deferred.has(collection) && this.loader) await this.loader(collection);
  }

  /**
   * The documents of a deferred collection, taken as they are (not copied), and the collection
   * counts as loaded. Listeners are not told: nothing could read the collection before.
   */
  loadCollection(collection: CollectionName, docs: readonly StoredDoc[]): void {
    assertCollection(collection);
    const revision = ++this.sequence;
    const entries = this.collections.get(collection)!;
    entries.clear();
    for (const doc of docs) {
      this.assertStoredDoc(collection, doc);
      entries.set(doc.id, { doc, revision });
    }
    this.deferred.delete(collection);
  }

  async get<T>(collection: CollectionName, id: string): Promise<StoredDoc<T> | null> {
    assertCollection(collection);
    await this.ensureLoaded(collection);
    const doc = this.entry(collection, id)?.doc ?? null;
    return doc ? (clone(doc) as StoredDoc<T>) : null;
  }

  async query<T>(collection: CollectionName, spec: QuerySpec = {}): Promise<StoredDoc<T>[]> {
    assertCollection(collection);
    await this.ensureLoaded(collection);
    return runQuery(this.liveDocs(collection), spec).map((doc) => clone(doc) as StoredDoc<T>);
  }

  async runTransaction<R>(fn: (tx: TransactionContext) => Promise<R>): Promise<R> {
    let lastConflict: RetryableConflict | null = null;
    for (let attempt = 0; attempt <= MAX_TRANSACTION_RETRIES; attempt++) {
      const tx = new MemoryTransaction(this, this.sequence);
      let result: R;
      try {
        result = await fn(tx);
      } catch (error) {
        tx.close();
        // The callback may have failed on a view that a concurrent commit made inconsistent:
        // then its verdict does not count, and it runs again on fresh reads.
        const staleRead = this.findStaleRead(tx);
        if (!staleRead) throw error;
        lastConflict = staleRead;
        continue;
      }
      tx.close();
      try {
        // A write to a collection not loaded yet (a create without a read) is checked against
        // its documents: once they are in, the commit sees them changed and the attempt retries.
        for (const collection of new Set(tx.writes.map((write) => write.collection))) await this.ensureLoaded(collection);
        this.commit(tx);
        return result;
      } catch (error) {
        if (!(error instanceof RetryableConflict)) throw error;
        lastConflict = error;
      }
    }
    throw new ConflictError(lastConflict?.collection ?? 'unknown', lastConflict?.id ?? 'unknown');
  }

  newId(_collection: CollectionName): string {
    const bytes = new Uint8Array(20);
    if (globalThis.crypto?.getRandomValues) {
      globalThis.crypto.getRandomValues(bytes);
    } else {
      for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(Math.random() * 256);
    }
    let id = '';
    for (const byte of bytes) id += ID_ALPHABET[byte % ID_ALPHABET.length];
    return id;
  }

  /** Calls `listener` after every commit, import or remote change, with the documents as they now are. */
  subscribe(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Every live document, per collection, ordered by id; deep copies. */
  exportAll(): StoreSnapshot {
    // A deferred collection is not in memory: an empty list would pass for its content.
    if (this.deferred.size > 0) throw new Error(`exportAll: not loaded yet: ${[...this.deferred].join(', ')} (read them with query)`);
    const snapshot = {} as StoreSnapshot;
    for (const name of COLLECTIONS) {
      snapshot[name] = runQuery(this.liveDocs(name)).map((doc) => clone(doc));
    }
    return snapshot;
  }

  /**
   * Replaces the whole content (e.g. loaded from IndexedDB); transactions in flight will retry.
   * `adopt: true` takes the documents as they are instead of copying them, for a caller that hands
   * them over and never touches them again (a fresh IndexedDB read: copying 5,000 projects costs seconds).
   * `deferred` collections are emptied and left to the loader (`setLoader`): their first read fetches them.
   * Listeners hear nothing of a deferred collection: it is not gone, only not read yet, and a
   * deletion of each document would empty every watch of it (the caller re-reads its watches).
   */
  importAll(
    data: Partial<Record<CollectionName, StoredDoc[]>>,
    options: { adopt?: boolean; deferred?: readonly CollectionName[] } = {},
  ): void {
    for (const name of options.deferred ?? []) {
      if (data[name]?.length) throw new Error(`importAll: ${name} is both given and deferred`);
    }
    const changes: DocumentChange[] = [];
    const revision = ++this.sequence;
    this.deferred.clear();
    for (const name of options.deferred ?? []) this.deferred.add(name);
    for (const name of COLLECTIONS) {
      const entries = this.collections.get(name)!;
      if (this.deferred.has(name)) {
        // Tombstones, not an empty map: a transaction in flight that read a document retries.
        for (const [id, entry] of entries) if (entry.doc) entries.set(id, { doc: null, revision });
        continue;
      }
      const incoming = new Map((data[name] ?? []).map((doc) => [doc.id, doc]));
      for (const [id, entry] of entries) {
        if (entry.doc && !incoming.has(id)) {
          entries.set(id, { doc: null, revision });
          changes.push({ collection: name, id, doc: null });
        }
      }
      for (const doc of incoming.values()) {
        this.assertStoredDoc(name, doc);
        entries.set(doc.id, { doc: options.adopt ? doc : clone(doc), revision });
        changes.push({ collection: name, id: doc.id, doc });
      }
    }
    this.notify(changes, 'import');
  }

  /**
   * Applies documents changed elsewhere (another tab, a persisted log) as they are, versions
   * included, and tells the listeners. Transactions in flight that read them will retry.
   */
  applyRemoteChanges(changes: DocumentChange[]): void {
    if (changes.length === 0) return;
    const revision = ++this.sequence;
    for (const change of changes) {
      assertCollection(change.collection);
      if (change.doc) this.assertStoredDoc(change.collection, change.doc);
      this.collections.get(change.collection)!.set(change.id, {
        doc: change.doc ? clone(change.doc) : null,
        revision,
      });
    }
    this.notify(changes, 'remote');
  }

  /** @internal used by MemoryTransaction */
  entry(collection: CollectionName, id: string): Entry | undefined {
    return this.collections.get(collection)!.get(id);
  }

  /** @internal used by MemoryTransaction */
  liveDocs(collection: CollectionName): StoredDoc[] {
    const docs: StoredDoc[] = [];
    for (const entry of this.collections.get(collection)!.values()) if (entry.doc) docs.push(entry.doc);
    return docs;
  }

  /** Validates the attempt against the current state, then applies it; synchronous, hence atomic. */
  private commit(tx: MemoryTransaction): void {
    // A precondition that was already false when the attempt began is the caller's stale view.
    for (const write of tx.writes) {
      const entry = this.entry(write.collection, write.id);
      const changedDuringAttempt = (entry?.revision ?? 0) > tx.startSequence;
      if (this.preconditionHolds(write, entry) || changedDuringAttempt) continue;
      throw new ConflictError(write.collection, write.id);
    }
    const staleRead = this.findStaleRead(tx);
    if (staleRead) throw staleRead;
    for (const write of tx.writes) {
      if (!this.preconditionHolds(write, this.entry(write.collection, write.id))) {
        throw new RetryableConflict(write.collection, write.id);
      }
    }
    if (tx.writes.length === 0) return;

    const revision = ++this.sequence;
    const changes: DocumentChange[] = [];
    for (const write of tx.writes) {
      const entries = this.collections.get(write.collection)!;
      let doc: StoredDoc | null;
      if (write.kind === 'create') doc = { id: write.id, version: 1, data: write.data };
      else if (write.kind === 'update') doc = { id: write.id, version: write.expectedVersion + 1, data: write.data };
      else doc = null;
      entries.set(write.id, { doc, revision });
      changes.push({ collection: write.collection, id: write.id, doc });
    }
    this.notify(changes, 'commit');
  }

  /** A read of the attempt (a document, an absence or a query result) that is no longer true. */
  private findStaleRead(tx: MemoryTransaction): RetryableConflict | null {
    for (const [key, seen] of tx.readRevisions) {
      const [collection, id] = splitKey(key);
      if ((this.entry(collection, id)?.revision ?? 0) !== seen) return new RetryableConflict(collection, id);
    }
    for (const read of tx.queryReads) {
      const now = runQuery(this.liveDocs(read.collection), read.spec);
      const same =
        now.length === read.result.length &&
        now.every((doc, i) => {
          const seen = read.result[i]!;
          return doc.id === seen.id && this.entry(read.collection, doc.id)!.revision === seen.revision;
        });
      if (!same) return new RetryableConflict(read.collection, '(query)');
    }
    return null;
  }

  private preconditionHolds(write: PendingWrite, entry: Entry | undefined): boolean {
    const current = entry?.doc ?? null;
    if (write.kind === 'create') return current === null;
    return current !== null && current.version === write.expectedVersion;
  }

  private notify(changes: DocumentChange[], origin: ChangeOrigin): void {
    if (changes.length === 0) return;
    for (const listener of [...this.listeners]) {
      try {
        listener(clone(changes), origin);
      } catch (error) {
        // A failing listener must not undo or hide a commit that already happened.
        console.error('MemoryDocumentStore listener failed', error);
      }
    }
  }

  private assertStoredDoc(collection: CollectionName, doc: StoredDoc): void {
    if (typeof doc.id !== 'string' || doc.id === '' || !Number.isInteger(doc.version) || doc.version < 1) {
      throw new Error(`Invalid stored document in ${collection}: ${JSON.stringify(doc)}`);
    }
  }
}

function splitKey(key: string): [CollectionName, string] {
  const slash = key.indexOf('/');
  return [key.slice(0, slash) as CollectionName, key.slice(slash + 1)];
}

class MemoryTransaction implements TransactionContext {
  /** Revision of every document read (0 when it never existed), by `collection/id`. */
  readonly readRevisions = new Map<string, number>();
  /** Version seen by every read (null when absent), to refuse a stale expectedVersion at once. */
  private readonly readVersions = new Map<string, number | null>();
  readonly queryReads: {
    collection: CollectionName;
    spec: QuerySpec;
    result: { id: string; revision: number }[];
  }[] = [];
  readonly writes: PendingWrite[] = [];
  private readonly writtenKeys = new Set<string>();
  private closed = false;

  constructor(
    private readonly store: MemoryDocumentStore,
    readonly startSequence: number,
  ) {}

  close(): void {
    this.closed = true;
  }

  async get<T>(collection: CollectionName, id: string): Promise<StoredDoc<T> | null> {
    this.assertCanRead(collection);
    await this.store.ensureLoaded(collection);
    const entry = this.store.entry(collection, id);
    const key = keyOf(collection, id);
    if (!this.readRevisions.has(key)) {
      this.readRevisions.set(key, entry?.revision ?? 0);
      this.readVersions.set(key, entry?.doc?.version ?? null);
    }
    return entry?.doc ? (clone(entry.doc) as StoredDoc<T>) : null;
  }

  async query<T>(collection: CollectionName, spec: QuerySpec = {}): Promise<StoredDoc<T>[]> {
    this.assertCanRead(collection);
    await this.store.ensureLoaded(collection);
    const result = runQuery(this.store.liveDocs(collection), spec);
    this.queryReads.push({
      collection,
      spec: clone(spec),
      result: result.map((doc) => ({ id: doc.id, revision: this.store.entry(collection, doc.id)!.revision })),
    });
    for (const doc of result) {
      const key = keyOf(collection, doc.id);
      if (!this.readVersions.has(key)) this.readVersions.set(key, doc.version);
    }
    return result.map((doc) => clone(doc) as StoredDoc<T>);
  }

  create<T>(collection: CollectionName, id: string, data: T): void {
    const key = this.assertCanWrite(collection, id);
    if (this.readVersions.has(key) && this.readVersions.get(key) !== null) throw new ConflictError(collection, id);
    this.writes.push({ kind: 'create', collection, id, data: clone(data) });
  }

  update<T>(collection: CollectionName, id: string, data: T, expectedVersion: number): void {
    const key = this.assertCanWrite(collection, id);
    assertVersionArgument(expectedVersion);
    this.refuseStaleAgainstRead(key, collection, id, expectedVersion);
    this.writes.push({ kind: 'update', collection, id, data: clone(data), expectedVersion });
  }

  delete(collection: CollectionName, id: string, expectedVersion: number): void {
    const key = this.assertCanWrite(collection, id);
    assertVersionArgument(expectedVersion);
    this.refuseStaleAgainstRead(key, collection, id, expectedVersion);
    this.writes.push({ kind: 'delete', collection, id, expectedVersion });
  }

  /** The attempt saw another version than the caller expects: the caller's view is stale. */
  private refuseStaleAgainstRead(key: string, collection: CollectionName, id: string, expectedVersion: number): void {
    if (this.readVersions.has(key) && this.readVersions.get(key) !== expectedVersion) {
      throw new ConflictError(collection, id);
    }
  }

  private assertCanRead(collection: string): asserts collection is CollectionName {
    assertCollection(collection);
    if (this.closed) throw new Error('Transaction is finished: read outside its callback');
    if (this.writes.length > 0) {
      throw new Error('Transactions require all reads to be executed before all writes');
    }
  }

  private assertCanWrite(collection: string, id: string): string {
    assertCollection(collection);
    if (this.closed) throw new Error('Transaction is finished: write outside its callback');
    if (typeof id !== 'string' || id === '' || id.includes('/')) throw new Error(`Invalid document id ${id}`);
    const key = keyOf(collection, id);
    if (this.writtenKeys.has(key)) throw new Error(`Transaction writes ${key} twice`);
    this.writtenKeys.add(key);
    return key;
  }
}
