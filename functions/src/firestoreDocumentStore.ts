/**
 * The core `DocumentStore` port on the Firestore admin SDK.
 *
 * Storage shape: a document is its data plus one numeric field `_v`, the optimistic-concurrency
 * version (1 on create, +1 on every write). Keeping the data at the top level lets queries, indexes,
 * security rules and web listeners use the domain's own field paths (`stall.nextCheckAt`, `bankId`).
 *
 * Transactions: writes are buffered while the handler runs and applied when it returns, so
 * Firestore's "all reads before any write" rule holds by construction and a handler that reads
 * after writing is refused. At commit, each update or delete is checked against the version the
 * transaction read (documents it did not read are read first); a mismatch is a `ConflictError`
 * that is never retried, because the client's view is stale. Creates carry Firestore's
 * exists=false precondition. Contention between concurrent transactions is Firestore's job: the
 * admin SDK retries aborted transactions and we map a final abort to a conflict.
 *
 * Schema versions: every document read goes through core's `migrateStoredDoc`, so a document
 * stored by an older release is read in the current shape (and written back in it by the next
 * command that changes it); every write stamps `_schema` with the current SCHEMA_VERSION. A
 * document without the stamp is at the database's schema (`_meta/schema`, which
 * functions/scripts/migrate.mjs advances once every document is current; read once per store).
 * That is safe even while the script runs: what it rewrites it stamps, and what it leaves
 * unstamped the migration steps leave as it is. A document that cannot be brought up is read as
 * absent (queries leave it out, a create over it still conflicts) until the script quarantines it.
 */
import type { DocumentReference, Firestore, Query, Transaction } from 'firebase-admin/firestore';
import type {
  CollectionName,
  DocumentStore,
  QuerySpec,
  StoredDoc,
  TransactionContext,
} from '@clearway/core';
import { ConflictError, DomainError, migrateStoredDoc, NOTIFY_SECRETS_DOC_ID, SCHEMA_VERSION } from '@clearway/core';

/** Documents only the functions read (admin SDK); no rule matches them, so no client can. */
export const SERVER_SECRETS_COLLECTION = 'serverSecrets';

export const VERSION_FIELD = '_v';
/** The schema version the document was written in (see the header). */
export const SCHEMA_FIELD = '_schema';
/** `_meta/schema` ({ version }): the schema every unstamped document is at; absent means 1. */
export const SCHEMA_META_COLLECTION = '_meta';
export const SCHEMA_META_DOC = 'schema';

/**
 * Collections no command handler writes: documents derived in the same transaction from what the
 * handlers wrote (the read projections: the bureau's board cards, the liaisons' and unit
 * contacts' views, see readProjections.ts).
 */
export const DERIVED_COLLECTIONS = ['boardCards', 'boardViews', 'bankSnapshots'] as const;
export type DerivedCollectionName = (typeof DERIVED_COLLECTIONS)[number];

/** Firestore billing as the benchmark counts it: a query that returns nothing still costs one read. */
export interface FirestoreUsageCounter {
  reads: number;
  writes: number;
}

export function createUsageCounter(): FirestoreUsageCounter {
  return { reads: 0, writes: 0 };
}

const GRPC_ALREADY_EXISTS = 6;
const GRPC_ABORTED = 10;

interface PendingWrite {
  /** 'put' writes a derived document (a read projection) unconditionally: see `put`. */
  kind: 'create' | 'update' | 'delete' | 'put';
  collection: CollectionName | DerivedCollectionName;
  id: string;
  data?: Record<string, unknown>;
  expectedVersion?: number;
}

/** Deep copy of plain JSON data; drops `undefined` (Firestore rejects it, JSON never had it). */
function toPlain(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => (item === undefined ? null : toPlain(item)));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    if (item !== undefined) out[key] = toPlain(item);
  }
  return out;
}

function toStored<T>(id: string, raw: Record<string, unknown> | undefined): StoredDoc<T> | null {
  if (!raw) return null;
  const { [VERSION_FIELD]: version, [SCHEMA_FIELD]: _schema, ...data } = raw;
  return { id, version: typeof version === 'number' ? version : 0, data: data as T };
}

/** A stored document in the current shape; null when it cannot be read (see the header). */
function toCurrent<T>(collection: CollectionName, id: string, raw: Record<string, unknown>, unstampedSchema: number): StoredDoc<T> | null {
  const stored = toStored<T>(id, raw)!;
  const stamped = raw[SCHEMA_FIELD];
  const schemaVersion = typeof stamped === 'number' ? stamped : unstampedSchema;
  const result = migrateStoredDoc(collection, { ...stored, schemaVersion } as StoredDoc);
  return 'doc' in result ? (result.doc as StoredDoc<T>) : null;
}

function stamped(data: Record<string, unknown> | undefined, version: number): Record<string, unknown> {
  return { ...data, [VERSION_FIELD]: version, [SCHEMA_FIELD]: SCHEMA_VERSION };
}

function grpcCode(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : undefined;
}

export interface FirestoreStoreOptions {
  /**
   * Reads through `migrateStoredDoc` (default). Off only for tests of the storage mechanics,
   * whose documents are not the domain's shapes.
   */
  migrateOnRead?: boolean;
}

export class FirestoreDocumentStore implements DocumentStore {
  private unstampedSchema: Promise<number> | null = null;
  private readonly migrateOnRead: boolean;

  constructor(
    private readonly db: Firestore,
    readonly usage: FirestoreUsageCounter = createUsageCounter(),
    options: FirestoreStoreOptions = {},
  ) {
    this.migrateOnRead = options.migrateOnRead ?? true;
  }

  /** The stored document `raw` as the handlers read it (migrated, or null when unreadable). */
  async reading<T>(collection: CollectionName, id: string, raw: Record<string, unknown>): Promise<StoredDoc<T> | null> {
    if (!this.migrateOnRead) return toStored<T>(id, raw);
    return toCurrent<T>(collection, id, raw, await this.schemaOfUnstamped());
  }

  /** The schema of documents without a `_schema` stamp: the database's, read once. */
  schemaOfUnstamped(): Promise<number> {
    this.unstampedSchema ??= this.db
      .collection(SCHEMA_META_COLLECTION)
      .doc(SCHEMA_META_DOC)
      .get()
      .then((snap) => {
        this.usage.reads += 1;
        const version = snap.data()?.version;
        return typeof version === 'number' && Number.isInteger(version) && version >= 1 ? version : 1;
      })
      .catch((error: unknown) => {
        this.unstampedSchema = null;
        throw error;
      });
    return this.unstampedSchema;
  }

  ref(collection: CollectionName | DerivedCollectionName, id: string): DocumentReference {
    // The delivery secrets live outside `settings`, which every member may list: the deny-all
    // fallback of the rules keeps `serverSecrets` from every client (a rule on the document id
    // would refuse members' queries of the whole settings collection instead).
    if (collection === 'settings' && id === NOTIFY_SECRETS_DOC_ID) return this.db.collection(SERVER_SECRETS_COLLECTION).doc('notify');
    return this.db.collection(collection).doc(id);
  }

  buildQuery(collection: CollectionName, spec: QuerySpec = {}): Query {
    let query: Query = this.db.collection(collection);
    for (const filter of spec.where ?? []) query = query.where(filter.field, filter.op, filter.value);
    // Firestore orders by document id after these, as the in-memory store does.
    for (const order of spec.orderBy ?? []) query = query.orderBy(order.field, order.direction ?? 'asc');
    if (spec.limit !== undefined) query = query.limit(spec.limit);
    return query;
  }

  async get<T>(collection: CollectionName, id: string): Promise<StoredDoc<T> | null> {
    const snap = await this.ref(collection, id).get();
    this.usage.reads += 1;
    const raw = snap.data();
    return raw ? this.reading<T>(collection, id, raw) : null;
  }

  async query<T>(collection: CollectionName, spec: QuerySpec = {}): Promise<StoredDoc<T>[]> {
    const snap = await this.buildQuery(collection, spec).get();
    this.usage.reads += Math.max(1, snap.size);
    const out: StoredDoc<T>[] = [];
    for (const d of snap.docs) {
      const doc = await this.reading<T>(collection, d.id, d.data());
      if (doc) out.push(doc);
    }
    return out;
  }

  newId(collection: CollectionName): string {
    return this.db.collection(collection).doc().id;
  }

  async runTransaction<R>(fn: (tx: TransactionContext) => Promise<R>): Promise<R> {
    try {
      return await this.db.runTransaction(async (transaction) => {
        const context = new FirestoreTransaction(this, transaction);
        const result = await fn(context);
        await context.commit();
        return result;
      });
    } catch (error) {
      if (error instanceof DomainError) throw error;
      const code = grpcCode(error);
      if (code === GRPC_ALREADY_EXISTS || code === GRPC_ABORTED) {
        const path = /(projects|loanLines|banks|members|activity|settings|months|snapshots)\/([^\s"/]+)/.exec(
          String((error as Error).message),
        );
        throw new ConflictError(path?.[1] ?? 'unknown', path?.[2] ?? 'unknown');
      }
      throw error;
    }
  }
}

export class FirestoreTransaction implements TransactionContext {
  /** Version of every document read in this transaction; 0 = read as absent. */
  private readonly versionsRead = new Map<string, number>();
  private readonly writes: PendingWrite[] = [];

  constructor(
    private readonly store: FirestoreDocumentStore,
    private readonly transaction: Transaction,
  ) {}

  private key(collection: CollectionName | DerivedCollectionName, id: string): string {
    return `${collection}/${id}`;
  }

  private assertNoWritesYet(): void {
    if (this.writes.length > 0) {
      throw new Error('Transactions require all reads to be executed before all writes');
    }
  }

  /** Refuses a second write of one document, and a version the transaction already knows is stale. */
  private assertCanWrite(collection: CollectionName, id: string, expectedVersion: number | null): void {
    if (id === '' || id.includes('/')) throw new Error(`Invalid document id ${id}`);
    const key = this.key(collection, id);
    if (this.writes.some((w) => this.key(w.collection, w.id) === key)) throw new Error(`Transaction writes ${key} twice`);
    const seen = this.versionsRead.get(key);
    if (seen === undefined) return;
    const stale = expectedVersion === null ? seen > 0 : seen !== expectedVersion;
    if (stale) throw new ConflictError(collection, id);
  }

  async get<T>(collection: CollectionName, id: string): Promise<StoredDoc<T> | null> {
    this.assertNoWritesYet();
    const snap = await this.transaction.get(this.store.ref(collection, id));
    this.store.usage.reads += 1;
    const raw = snap.data();
    // The version as stored, even for a document that cannot be read: a create over it conflicts.
    this.versionsRead.set(this.key(collection, id), raw ? (toStored(id, raw)?.version ?? 0) : 0);
    return raw ? this.store.reading<T>(collection, id, raw) : null;
  }

  async query<T>(collection: CollectionName, spec?: QuerySpec): Promise<StoredDoc<T>[]> {
    this.assertNoWritesYet();
    const snap = await this.transaction.get(this.store.buildQuery(collection, spec));
    this.store.usage.reads += Math.max(1, snap.size);
    const out: StoredDoc<T>[] = [];
    for (const d of snap.docs) {
      const raw = d.data();
      this.versionsRead.set(this.key(collection, d.id), toStored(d.id, raw)!.version);
      const doc = await this.store.reading<T>(collection, d.id, raw);
      if (doc) out.push(doc);
    }
    return out;
  }

  create<T>(collection: CollectionName, id: string, data: T): void {
    this.assertCanWrite(collection, id, null);
    this.writes.push({ kind: 'create', collection, id, data: toPlain(data) as Record<string, unknown> });
  }

  update<T>(collection: CollectionName, id: string, data: T, expectedVersion: number): void {
    this.assertCanWrite(collection, id, expectedVersion);
    this.writes.push({ kind: 'update', collection, id, data: toPlain(data) as Record<string, unknown>, expectedVersion });
  }

  delete(collection: CollectionName, id: string, expectedVersion: number): void {
    this.assertCanWrite(collection, id, expectedVersion);
    this.writes.push({ kind: 'delete', collection, id, expectedVersion });
  }

  /**
   * Writes (or, with null, deletes) a derived document with no version check: it is computed from
   * documents this transaction writes, so it is exactly as current as they are.
   */
  put(collection: DerivedCollectionName, id: string, data: Record<string, unknown> | null): void {
    if (id === '' || id.includes('/')) throw new Error(`Invalid document id ${id}`);
    this.writes.push(data === null ? { kind: 'put', collection, id } : { kind: 'put', collection, id, data: toPlain(data) as Record<string, unknown> });
  }

  /** Checks every precondition, then applies the buffered writes. Called once, after the handler. */
  async commit(): Promise<void> {
    const unread = this.writes.filter(
      (w) => w.kind !== 'create' && w.kind !== 'put' && !this.versionsRead.has(this.key(w.collection, w.id)),
    );
    const unreadRefs = [...new Map(unread.map((w) => [this.key(w.collection, w.id), this.store.ref(w.collection, w.id)])).values()];
    if (unreadRefs.length > 0) {
      const snaps = await this.transaction.getAll(...unreadRefs);
      this.store.usage.reads += snaps.length;
      for (const snap of snaps) {
        const version = snap.exists ? (toStored(snap.id, snap.data())?.version ?? 0) : 0;
        this.versionsRead.set(`${snap.ref.parent.id}/${snap.id}`, version);
      }
    }

    for (const write of this.writes) {
      if (write.kind === 'put') continue;
      if (write.kind === 'create') {
        const seen = this.versionsRead.get(this.key(write.collection, write.id));
        if (seen !== undefined && seen > 0) throw new ConflictError(write.collection, write.id);
        continue;
      }
      const seen = this.versionsRead.get(this.key(write.collection, write.id)) ?? 0;
      if (seen === 0 || seen !== write.expectedVersion) throw new ConflictError(write.collection, write.id);
    }

    for (const write of this.writes) {
      const ref = this.store.ref(write.collection, write.id);
      if (write.kind === 'put') {
        if (write.data) this.transaction.set(ref, write.data);
        else this.transaction.delete(ref);
      } else if (write.kind === 'create') {
        this.transaction.create(ref, stamped(write.data, 1));
      } else if (write.kind === 'update') {
        this.transaction.set(ref, stamped(write.data, write.expectedVersion! + 1));
      } else {
        this.transaction.delete(ref);
      }
      this.store.usage.writes += 1;
    }
  }
}
