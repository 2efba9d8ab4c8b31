/**
 * The persistence port every command handler runs on. It is shaped after Firestore so the
 * admin-SDK adapter in functions/ is a thin mapping, and the in-memory store must honour the
 * same rules (reads before writes inside a transaction; a transaction is serializable: if a
 * document it read changed before commit, the whole transaction retries or fails).
 */

export const COLLECTIONS = [
  'projects',
  'loanLines',
  'banks',
  'members',
  'activity',
  'settings',
  'months',
  'snapshots',
  // the issued 工作提醒函 and the years' counters, bureau only (core/src/followUp/letterRegister.ts)
  'letters',
] as const;
export type CollectionName = (typeof COLLECTIONS)[number];

/** A stored document with its optimistic-concurrency version (1 on create, +1 on every write). */
export interface StoredDoc<T = unknown> {
  id: string;
  version: number;
  data: T;
}

export type WhereOp = '==' | '!=' | '<' | '<=' | '>' | '>=' | 'in' | 'array-contains';

export interface QueryFilter {
  /** Dotted path into the document data, e.g. `stall.nextCheckAt`. */
  field: string;
  op: WhereOp;
  value: unknown;
}

export interface QuerySpec {
  where?: QueryFilter[];
  orderBy?: { field: string; direction?: 'asc' | 'desc' }[];
  limit?: number;
}

export interface DocumentReader {
  get<T>(collection: CollectionName, id: string): Promise<StoredDoc<T> | null>;
  query<T>(collection: CollectionName, spec?: QuerySpec): Promise<StoredDoc<T>[]>;
}

export interface TransactionContext extends DocumentReader {
  /** Creates a document; the commit fails with a conflict if it already exists. */
  create<T>(collection: CollectionName, id: string, data: T): void;
  /**
   * Replaces a document that this transaction read at `expectedVersion`; the commit fails with a
   * conflict if the stored version differs.
   */
  update<T>(collection: CollectionName, id: string, data: T, expectedVersion: number): void;
  delete(collection: CollectionName, id: string, expectedVersion: number): void;
}

export interface DocumentStore extends DocumentReader {
  runTransaction<R>(fn: (tx: TransactionContext) => Promise<R>): Promise<R>;
  /** A new unique document id. */
  newId(collection: CollectionName): string;
}

/** A change seen by a subscriber of a store that can push changes (local backend, tests). */
export interface DocumentChange {
  collection: CollectionName;
  id: string;
  /** null when the document was deleted. */
  doc: StoredDoc | null;
}
