/**
 * The behaviour every DocumentStore must have, as a reusable vitest suite. The in-memory store
 * runs it in memoryDocumentStore.test.ts; the Firestore store runs it against a Firestore
 * protocol server. Tests only touch documents they create (fresh ids, a per-test tag in queries),
 * so a shared database with other data in it is fine.
 *
 * Not part of the public index (it imports vitest); import it as
 * `@clearway/core/store/documentStoreContract`.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { ConflictError, DomainError } from '../errors';
import type { CollectionName, DocumentStore, StoredDoc, TransactionContext } from './documentStore';

export interface DocumentStoreContractOptions {
  /**
   * The store isolates concurrent transactions (serializable, optimistic retries): interleaved
   * read-modify-write transactions all apply, write skew and phantoms are prevented, retries are
   * bounded. Default true. The Firestore protocol server used in tests does not isolate
   * transactions, so its run turns this off.
   */
  serializableTransactions?: boolean;
  /**
   * Writes to documents the transaction did not read still check their precondition at commit
   * (create of an existing id, update with a stale version). Default true. Turn off for a server
   * that ignores write preconditions.
   */
  blindWritePreconditions?: boolean;
}

interface Item {
  tag: string;
  name: string;
  n: number;
  nested: { at: string | null; level: number };
  labels: string[];
  optional?: string;
}

const COLLECTION: CollectionName = 'projects';

/** Resolves when `count` parties have arrived; forces transactions to interleave without timers. */
function barrier(count: number): () => Promise<void> {
  let arrived = 0;
  let release!: () => void;
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  return () => {
    arrived += 1;
    if (arrived >= count) release();
    return released;
  };
}

async function expectConflict(promise: Promise<unknown>): Promise<void> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConflictError);
  expect((error as DomainError).code).toBe('failed-precondition');
  expect((error as DomainError).messageKey).toBe('errors.conflict');
}

export function describeDocumentStoreContract(
  name: string,
  makeStore: () => Promise<DocumentStore>,
  options: DocumentStoreContractOptions = {},
): void {
  const serializable = options.serializableTransactions ?? true;
  const blindPreconditions = options.blindWritePreconditions ?? true;

  describe(`DocumentStore contract: ${name}`, () => {
    let store: DocumentStore;
    let tag: string;

    beforeEach(async () => {
      store = await makeStore();
      tag = `t-${store.newId(COLLECTION)}`;
    });

    function item(overrides: Partial<Item> = {}): Item {
      return { tag, name: 'item', n: 0, nested: { at: null, level: 0 }, labels: [], ...overrides };
    }

    async function createItem(data: Item, id = store.newId(COLLECTION)): Promise<string> {
      await store.runTransaction(async (tx) => tx.create(COLLECTION, id, data));
      return id;
    }

    /** Read, check the version the client saw, write: the pattern every command handler follows. */
    async function clientUpdate(id: string, expectedVersion: number, change: (data: Item) => Item): Promise<void> {
      await store.runTransaction(async (tx) => {
        const doc = await tx.get<Item>(COLLECTION, id);
        if (!doc) throw new DomainError('not-found', 'errors.notFound.project');
        tx.update(COLLECTION, id, change(doc.data), expectedVersion);
      });
    }

    describe('documents', () => {
      it('returns null for a missing document', async () => {
        expect(await store.get(COLLECTION, store.newId(COLLECTION))).toBeNull();
      });

      it('creates at version 1 and reads the data back', async () => {
        const data = item({ name: '城北片区改造', n: 2_600_0000, nested: { at: '2026-01-02', level: 3 }, labels: ['a', 'b'] });
        const id = await createItem(data);
        const doc = await store.get<Item>(COLLECTION, id);
        expect(doc).toEqual({ id, version: 1, data });
      });

      it('update replaces the data and increments the version', async () => {
        const id = await createItem(item({ optional: 'present', n: 1 }));
        await clientUpdate(id, 1, (d) => ({ tag: d.tag, name: 'renamed', n: 2, nested: d.nested, labels: ['x'] }));
        const doc = await store.get<Item>(COLLECTION, id);
        expect(doc?.version).toBe(2);
        expect(doc?.data).toEqual(item({ name: 'renamed', n: 2, labels: ['x'] }));
        expect(doc?.data.optional).toBeUndefined();
        await clientUpdate(id, 2, (d) => ({ ...d, n: 3 }));
        expect((await store.get<Item>(COLLECTION, id))?.version).toBe(3);
      });

      it('delete removes the document', async () => {
        const id = await createItem(item());
        await store.runTransaction(async (tx) => {
          const doc = await tx.get(COLLECTION, id);
          tx.delete(COLLECTION, id, doc!.version);
        });
        expect(await store.get(COLLECTION, id)).toBeNull();
      });

      it('copies data in and out: callers cannot alias stored documents', async () => {
        const data = item({ labels: ['one'], nested: { at: null, level: 1 } });
        const id = store.newId(COLLECTION);
        await store.runTransaction(async (tx) => {
          tx.create(COLLECTION, id, data);
          data.labels.push('mutated inside the transaction');
        });
        data.nested.level = 99;
        const first = await store.get<Item>(COLLECTION, id);
        expect(first?.data.labels).toEqual(['one']);
        expect(first?.data.nested.level).toBe(1);
        first!.data.labels.push('mutated after get');
        const [fromQuery] = await store.query<Item>(COLLECTION, { where: [{ field: 'tag', op: '==', value: tag }] });
        fromQuery!.data.nested.level = 42;
        expect((await store.get<Item>(COLLECTION, id))?.data).toEqual(item({ labels: ['one'], nested: { at: null, level: 1 } }));
      });

      it('hands out distinct ids without slashes', () => {
        const ids = new Set(Array.from({ length: 200 }, () => store.newId(COLLECTION)));
        expect(ids.size).toBe(200);
        for (const id of ids) {
          expect(id.length).toBeGreaterThan(0);
          expect(id).not.toContain('/');
        }
      });
    });

    describe('queries', () => {
      let ids: Record<string, string>;

      beforeEach(async () => {
        ids = {};
        const rows: [string, Partial<Item>][] = [
          ['a', { name: 'alpha', n: 5, nested: { at: '2026-03-01T00:00:00.000Z', level: 1 }, labels: ['red'] }],
          ['b', { name: 'bravo', n: 1, nested: { at: '2026-01-01T00:00:00.000Z', level: 2 }, labels: ['red', 'blue'] }],
          ['c', { name: 'charlie', n: 3, nested: { at: null, level: 2 }, labels: [] }],
          ['d', { name: 'delta', n: 9, nested: { at: '2026-05-01T00:00:00.000Z', level: 3 }, labels: ['blue'] }],
          ['e', { name: 'echo', n: 3, nested: { at: '2026-02-01T00:00:00.000Z', level: 1 }, labels: ['green'], optional: 'x' }],
        ];
        await store.runTransaction(async (tx) => {
          for (const [key, overrides] of rows) {
            ids[key] = store.newId(COLLECTION);
            tx.create(COLLECTION, ids[key]!, item(overrides));
          }
        });
      });

      const names = (docs: StoredDoc<Item>[]) => docs.map((d) => d.data.name);
      const byTag = () => ({ field: 'tag', op: '==' as const, value: tag });

      it('filters with ==, !=, <, <=, >, >= and orders ascending', async () => {
        const q = (op: '==' | '!=' | '<' | '<=' | '>' | '>=', value: number) =>
          store
            .query<Item>(COLLECTION, { where: [byTag(), { field: 'n', op, value }], orderBy: [{ field: 'n' }, { field: 'name' }] })
            .then(names);
        expect(await q('==', 3)).toEqual(['charlie', 'echo']);
        expect(await q('!=', 3)).toEqual(['bravo', 'alpha', 'delta']);
        expect(await q('<', 3)).toEqual(['bravo']);
        expect(await q('<=', 3)).toEqual(['bravo', 'charlie', 'echo']);
        expect(await q('>', 3)).toEqual(['alpha', 'delta']);
        expect(await q('>=', 5)).toEqual(['alpha', 'delta']);
      });

      it('filters and orders on dotted paths, excluding documents without the field', async () => {
        const due = await store.query<Item>(COLLECTION, {
          where: [byTag(), { field: 'nested.at', op: '<=', value: '2026-03-01T00:00:00.000Z' }],
          orderBy: [{ field: 'nested.at' }],
        });
        expect(names(due)).toEqual(['bravo', 'echo', 'alpha']);
        const withOptional = await store.query<Item>(COLLECTION, {
          where: [byTag(), { field: 'optional', op: '==', value: 'x' }],
        });
        expect(names(withOptional)).toEqual(['echo']);
      });

      it('supports in, array-contains, descending order and limit', async () => {
        const inQuery = await store.query<Item>(COLLECTION, {
          where: [byTag(), { field: 'name', op: 'in', value: ['alpha', 'delta', 'zulu'] }],
          orderBy: [{ field: 'name', direction: 'desc' }],
        });
        expect(names(inQuery)).toEqual(['delta', 'alpha']);
        const blue = await store.query<Item>(COLLECTION, {
          where: [byTag(), { field: 'labels', op: 'array-contains', value: 'blue' }],
          orderBy: [{ field: 'name' }],
        });
        expect(names(blue)).toEqual(['bravo', 'delta']);
        const topTwo = await store.query<Item>(COLLECTION, {
          where: [byTag()],
          orderBy: [{ field: 'nested.level', direction: 'desc' }, { field: 'name' }],
          limit: 2,
        });
        expect(names(topTwo)).toEqual(['delta', 'bravo']);
      });

      it('returns stored documents with their ids and versions', async () => {
        const docs = await store.query<Item>(COLLECTION, { where: [byTag(), { field: 'name', op: '==', value: 'alpha' }] });
        expect(docs).toEqual([{ id: ids.a, version: 1, data: item({ name: 'alpha', n: 5, nested: { at: '2026-03-01T00:00:00.000Z', level: 1 }, labels: ['red'] }) }]);
      });

      it('queries inside a transaction', async () => {
        const count = await store.runTransaction(async (tx) => {
          const docs = await tx.query<Item>(COLLECTION, { where: [byTag(), { field: 'nested.level', op: '==', value: 2 }] });
          return docs.length;
        });
        expect(count).toBe(2);
      });
    });

    describe('transactions', () => {
      it('returns the callback value and commits every write together', async () => {
        const first = store.newId(COLLECTION);
        const second = store.newId(COLLECTION);
        const result = await store.runTransaction(async (tx) => {
          tx.create(COLLECTION, first, item({ name: 'first' }));
          tx.create('activity', second, { tag, what: 'created first' });
          return 'done';
        });
        expect(result).toBe('done');
        expect((await store.get<Item>(COLLECTION, first))?.data.name).toBe('first');
        expect(await store.get('activity', second)).toEqual({ id: second, version: 1, data: { tag, what: 'created first' } });
      });

      it('writes nothing when the callback throws', async () => {
        const existing = await createItem(item({ n: 1 }));
        const created = store.newId(COLLECTION);
        const refusal = new DomainError('invalid-argument', 'errors.validation');
        await expect(
          store.runTransaction(async (tx) => {
            const doc = await tx.get<Item>(COLLECTION, existing);
            tx.update(COLLECTION, existing, { ...doc!.data, n: 2 }, doc!.version);
            tx.create(COLLECTION, created, item());
            throw refusal;
          }),
        ).rejects.toBe(refusal);
        expect((await store.get<Item>(COLLECTION, existing))?.data.n).toBe(1);
        expect((await store.get<Item>(COLLECTION, existing))?.version).toBe(1);
        expect(await store.get(COLLECTION, created)).toBeNull();
      });

      it('refuses reads after writes and writes nothing', async () => {
        const existing = await createItem(item());
        const created = store.newId(COLLECTION);
        await expect(
          store.runTransaction(async (tx) => {
            tx.create(COLLECTION, created, item());
            await tx.get(COLLECTION, existing);
          }),
        ).rejects.toThrow();
        expect(await store.get(COLLECTION, created)).toBeNull();
      });

      it('a stale expectedVersion is a conflict at once, never retried into success', async () => {
        const id = await createItem(item({ n: 1 }));
        await clientUpdate(id, 1, (d) => ({ ...d, n: 2 }));
        let attempts = 0;
        await expectConflict(
          store.runTransaction(async (tx: TransactionContext) => {
            attempts += 1;
            const doc = await tx.get<Item>(COLLECTION, id);
            tx.update(COLLECTION, id, { ...doc!.data, n: 99 }, 1);
          }),
        );
        expect(attempts).toBe(1);
        expect(await store.get<Item>(COLLECTION, id)).toMatchObject({ version: 2, data: { n: 2 } });
      });

      it('two clients editing from the same version: the first wins, the second gets a conflict', async () => {
        const id = await createItem(item({ name: 'original' }));
        await clientUpdate(id, 1, (d) => ({ ...d, name: 'client A' }));
        await expectConflict(clientUpdate(id, 1, (d) => ({ ...d, name: 'client B' })));
        expect(await store.get<Item>(COLLECTION, id)).toMatchObject({ version: 2, data: { name: 'client A' } });
      });

      it('updating or deleting a document read as absent is a conflict', async () => {
        const id = store.newId(COLLECTION);
        await expectConflict(
          store.runTransaction(async (tx) => {
            await tx.get(COLLECTION, id);
            tx.update(COLLECTION, id, item(), 1);
          }),
        );
        await expectConflict(
          store.runTransaction(async (tx) => {
            await tx.get(COLLECTION, id);
            tx.delete(COLLECTION, id, 1);
          }),
        );
        expect(await store.get(COLLECTION, id)).toBeNull();
      });

      it('deleting with a stale version is a conflict and keeps the document', async () => {
        const id = await createItem(item());
        await clientUpdate(id, 1, (d) => ({ ...d, n: 5 }));
        await expectConflict(
          store.runTransaction(async (tx) => {
            await tx.get(COLLECTION, id);
            tx.delete(COLLECTION, id, 1);
          }),
        );
        expect(await store.get<Item>(COLLECTION, id)).toMatchObject({ version: 2, data: { n: 5 } });
      });

      if (blindPreconditions) {
        it('a blind write checks its precondition at commit', async () => {
          const id = await createItem(item({ n: 1 }));
          await clientUpdate(id, 1, (d) => ({ ...d, n: 2 }));
          await expectConflict(store.runTransaction(async (tx) => tx.create(COLLECTION, id, item({ n: 7 }))));
          await expectConflict(store.runTransaction(async (tx) => tx.update(COLLECTION, id, item({ n: 8 }), 1)));
          const other = store.newId(COLLECTION);
          await expectConflict(
            store.runTransaction(async (tx) => {
              tx.create(COLLECTION, other, item());
              tx.update(COLLECTION, id, item({ n: 9 }), 1);
            }),
          );
          expect(await store.get<Item>(COLLECTION, id)).toMatchObject({ version: 2, data: { n: 2 } });
          expect(await store.get(COLLECTION, other)).toBeNull();
        });
      }

      if (serializable) {
        describe('isolation of concurrent transactions', () => {
          it('interleaved read-modify-write transactions on one document all apply', async () => {
            const id = await createItem(item({ n: 0 }));
            const parties = 4;
            const allHaveRead = barrier(parties);
            const increment = () => {
              let firstAttempt = true;
              return store.runTransaction(async (tx) => {
                const doc = await tx.get<Item>(COLLECTION, id);
                if (firstAttempt) {
                  firstAttempt = false;
                  await allHaveRead();
                }
                tx.update(COLLECTION, id, { ...doc!.data, n: doc!.data.n + 1 }, doc!.version);
              });
            };
            await Promise.all(Array.from({ length: parties }, increment));
            expect(await store.get<Item>(COLLECTION, id)).toMatchObject({ version: parties + 1, data: { n: parties } });
          });

          it('prevents write skew between transactions that read the same documents', async () => {
            // Invariant: at least one of the two stays on duty (n = 1).
            const a = await createItem(item({ name: 'a', n: 1 }));
            const b = await createItem(item({ name: 'b', n: 1 }));
            const bothHaveRead = barrier(2);
            const goOffDuty = (self: string, other: string) => {
              let firstAttempt = true;
              return store.runTransaction(async (tx) => {
                const mine = await tx.get<Item>(COLLECTION, self);
                const theirs = await tx.get<Item>(COLLECTION, other);
                if (firstAttempt) {
                  firstAttempt = false;
                  await bothHaveRead();
                }
                if (mine!.data.n + theirs!.data.n < 2) return false;
                tx.update(COLLECTION, self, { ...mine!.data, n: 0 }, mine!.version);
                return true;
              });
            };
            const outcomes = await Promise.all([goOffDuty(a, b), goOffDuty(b, a)]);
            expect(outcomes.filter(Boolean)).toHaveLength(1);
            const total = ((await store.get<Item>(COLLECTION, a))!.data.n) + ((await store.get<Item>(COLLECTION, b))!.data.n);
            expect(total).toBe(1);
          });

          it('a query result is protected against documents inserted concurrently (phantoms)', async () => {
            await createItem(item({ name: 'existing 1' }));
            await createItem(item({ name: 'existing 2' }));
            const summaryId = store.newId('settings');
            let firstAttempt = true;
            await store.runTransaction(async (tx) => {
              const docs = await tx.query<Item>(COLLECTION, { where: [{ field: 'tag', op: '==', value: tag }] });
              if (firstAttempt) {
                firstAttempt = false;
                await createItem(item({ name: 'inserted meanwhile' }));
              }
              tx.create('settings', summaryId, { tag, count: docs.length });
            });
            expect((await store.get<{ count: number }>('settings', summaryId))?.data.count).toBe(3);
          });

          it('retries are bounded: a transaction that always loses the race ends in a conflict', async () => {
            const id = await createItem(item({ n: 0 }));
            let attempts = 0;
            await expectConflict(
              store.runTransaction(async (tx) => {
                attempts += 1;
                const doc = await tx.get<Item>(COLLECTION, id);
                await clientUpdate(id, doc!.version, (d) => ({ ...d, n: d.n + 100 }));
                tx.update(COLLECTION, id, { ...doc!.data, n: doc!.data.n + 1 }, doc!.version);
              }),
            );
            expect(attempts).toBeGreaterThan(1);
            const final = await store.get<Item>(COLLECTION, id);
            expect(final?.data.n).toBe(attempts * 100);
          });
        });
      }
    });
  });
}
