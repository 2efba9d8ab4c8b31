/**
 * A DocumentStore decorator that counts document reads and writes, per transaction attempt, the
 * way Firestore bills them: a `get` is one read (found or not), a query one read per document it
 * returns. The design's budgets ("a move reads at most 3 documents and writes at most 3") are
 * checked with it in the tests and measured with it in the bench.
 */
import type { CollectionName, DocumentStore, QuerySpec, StoredDoc, TransactionContext } from './documentStore';

export interface AccessCounts {
  reads: number;
  writes: number;
  queries: number;
  readsByCollection: Partial<Record<CollectionName, number>>;
  writesByCollection: Partial<Record<CollectionName, number>>;
}

export interface StoreCounts {
  /** One entry per transaction attempt, in order (a retried transaction shows each attempt). */
  readonly transactions: AccessCounts[];
  /** Reads made on the store itself, outside any transaction. */
  readonly direct: AccessCounts;
  /** The latest transaction attempt, if any. */
  last(): AccessCounts | undefined;
  /** Forgets everything counted so far (e.g. after seeding). */
  reset(): void;
}

export function emptyAccessCounts(): AccessCounts {
  return { reads: 0, writes: 0, queries: 0, readsByCollection: {}, writesByCollection: {} };
}

function countRead(counts: AccessCounts, collection: CollectionName, documents: number): void {
  counts.reads += documents;
  counts.readsByCollection[collection] = (counts.readsByCollection[collection] ?? 0) + documents;
}

function countWrite(counts: AccessCounts, collection: CollectionName): void {
  counts.writes += 1;
  counts.writesByCollection[collection] = (counts.writesByCollection[collection] ?? 0) + 1;
}

async function countedGet<T>(
  reader: Pick<DocumentStore, 'get'>,
  counts: AccessCounts,
  collection: CollectionName,
  id: string,
): Promise<StoredDoc<T> | null> {
  const doc = await reader.get<T>(collection, id);
  countRead(counts, collection, 1);
  return doc;
}

async function countedQuery<T>(
  reader: Pick<DocumentStore, 'query'>,
  counts: AccessCounts,
  collection: CollectionName,
  spec?: QuerySpec,
): Promise<StoredDoc<T>[]> {
  const docs = await reader.query<T>(collection, spec);
  counts.queries += 1;
  countRead(counts, collection, docs.length);
  return docs;
}

function countingTransaction(tx: TransactionContext, counts: AccessCounts): TransactionContext {
  return {
    get: (collection, id) => countedGet(tx, counts, collection, id),
    query: (collection, spec) => countedQuery(tx, counts, collection, spec),
    create(collection, id, data) {
      tx.create(collection, id, data);
      countWrite(counts, collection);
    },
    update(collection, id, data, expectedVersion) {
      tx.update(collection, id, data, expectedVersion);
      countWrite(counts, collection);
    },
    delete(collection, id, expectedVersion) {
      tx.delete(collection, id, expectedVersion);
      countWrite(counts, collection);
    },
  };
}

/** Wraps `inner`; use the returned `store` in place of it and read the figures from `counts`. */
export function countingDocumentStore(inner: DocumentStore): { store: DocumentStore; counts: StoreCounts } {
  const transactions: AccessCounts[] = [];
  const direct = emptyAccessCounts();
  const counts: StoreCounts = {
    transactions,
    direct,
    last: () => transactions[transactions.length - 1],
    reset() {
      transactions.length = 0;
      Object.assign(direct, emptyAccessCounts());
    },
  };
  const store: DocumentStore = {
    get: (collection, id) => countedGet(inner, direct, collection, id),
    query: (collection, spec) => countedQuery(inner, direct, collection, spec),
    newId: (collection) => inner.newId(collection),
    runTransaction: (fn) =>
      inner.runTransaction((tx) => {
        const attempt = emptyAccessCounts();
        transactions.push(attempt);
        return fn(countingTransaction(tx, attempt));
      }),
  };
  return { store, counts };
}
