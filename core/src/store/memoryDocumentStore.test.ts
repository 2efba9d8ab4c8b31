import { describe, expect, it } from 'vitest';
import { ConflictError } from '../errors';
import type { DocumentChange } from './documentStore';
import { describeDocumentStoreContract } from './documentStoreContract';
import type { ChangeOrigin } from './memoryDocumentStore';
import { MAX_TRANSACTION_RETRIES, MemoryDocumentStore } from './memoryDocumentStore';

describeDocumentStoreContract('MemoryDocumentStore', async () => new MemoryDocumentStore());

interface Counter {
  n: number;
}

async function seeded(): Promise<MemoryDocumentStore> {
  const store = new MemoryDocumentStore();
  await store.runTransaction(async (tx) => {
    tx.create('projects', 'p1', { n: 0 });
    tx.create('projects', 'p2', { n: 10 });
  });
  return store;
}

describe('MemoryDocumentStore specifics', () => {
  it('a blind update with a stale version fails at once, without retry', async () => {
    const store = await seeded();
    await store.runTransaction(async (tx) => tx.update('projects', 'p1', { n: 1 }, 1));
    let attempts = 0;
    await expect(
      store.runTransaction(async (tx) => {
        attempts += 1;
        tx.update('projects', 'p1', { n: 2 }, 1);
      }),
    ).rejects.toBeInstanceOf(ConflictError);
    expect(attempts).toBe(1);
  });

  it('a blind update overtaken by a concurrent commit retries once, then surfaces the stale version', async () => {
    const store = await seeded();
    let attempts = 0;
    await expect(
      store.runTransaction(async (tx) => {
        attempts += 1;
        if (attempts === 1) await store.runTransaction(async (inner) => inner.update('projects', 'p1', { n: 5 }, 1));
        tx.update('projects', 'p1', { n: 2 }, 1);
      }),
    ).rejects.toBeInstanceOf(ConflictError);
    expect(attempts).toBe(2);
    expect(await store.get('projects', 'p1')).toEqual({ id: 'p1', version: 2, data: { n: 5 } });
  });

  it(`gives up after ${MAX_TRANSACTION_RETRIES} retries`, async () => {
    const store = await seeded();
    let attempts = 0;
    await expect(
      store.runTransaction(async (tx) => {
        attempts += 1;
        const doc = await tx.get<Counter>('projects', 'p1');
        store.applyRemoteChanges([{ collection: 'projects', id: 'p1', doc: { id: 'p1', version: doc!.version + 1, data: { n: attempts } } }]);
        tx.update('projects', 'p1', { n: -1 }, doc!.version);
      }),
    ).rejects.toBeInstanceOf(ConflictError);
    expect(attempts).toBe(MAX_TRANSACTION_RETRIES + 1);
  });

  it('a callback that failed on a view made inconsistent by a concurrent commit runs again', async () => {
    const store = await seeded();
    let attempts = 0;
    const total = await store.runTransaction(async (tx) => {
      attempts += 1;
      const first = await tx.get<Counter>('projects', 'p1');
      if (attempts === 1) {
        // Moves 10 from p2 to p1 between our two reads: we would see 10 + 0 and refuse.
        await store.runTransaction(async (inner) => {
          const a = await inner.get<Counter>('projects', 'p1');
          const b = await inner.get<Counter>('projects', 'p2');
          inner.update('projects', 'p1', { n: a!.data.n + 10 }, a!.version);
          inner.update('projects', 'p2', { n: b!.data.n - 10 }, b!.version);
        });
      }
      const second = await tx.get<Counter>('projects', 'p2');
      const sum = first!.data.n + second!.data.n;
      if (sum !== 10) throw new Error(`inconsistent view: ${sum}`);
      return sum;
    });
    expect(total).toBe(10);
    expect(attempts).toBe(2);
  });

  it('refuses a document read or written after the callback returned', async () => {
    const store = await seeded();
    let leaked: Parameters<Parameters<MemoryDocumentStore['runTransaction']>[0]>[0] | null = null;
    await store.runTransaction(async (tx) => {
      leaked = tx;
    });
    await expect(leaked!.get('projects', 'p1')).rejects.toThrow(/finished/);
    expect(() => leaked!.create('projects', 'late', {})).toThrow(/finished/);
  });

  it('refuses unknown collections, bad versions and writing a document twice', async () => {
    const store = await seeded();
    await expect(store.get('nope' as 'projects', 'x')).rejects.toThrow(/Unknown collection/);
    await expect(store.runTransaction(async (tx) => tx.update('projects', 'p1', {}, 0))).rejects.toThrow(/expectedVersion/);
    await expect(
      store.runTransaction(async (tx) => {
        tx.update('projects', 'p1', { n: 1 }, 1);
        tx.update('projects', 'p1', { n: 2 }, 2);
      }),
    ).rejects.toThrow(/twice/);
    expect(await store.get('projects', 'p1')).toEqual({ id: 'p1', version: 1, data: { n: 0 } });
  });

  it('range filters match only values of the same type; != skips nulls and missing fields', async () => {
    const store = new MemoryDocumentStore();
    await store.runTransaction(async (tx) => {
      tx.create('projects', 'num', { v: 5 });
      tx.create('projects', 'str', { v: '5' });
      tx.create('projects', 'nul', { v: null });
      tx.create('projects', 'none', {});
    });
    const ids = async (spec: Parameters<MemoryDocumentStore['query']>[1]) =>
      (await store.query('projects', spec)).map((d) => d.id);
    expect(await ids({ where: [{ field: 'v', op: '<=', value: 10 }] })).toEqual(['num']);
    expect(await ids({ where: [{ field: 'v', op: '>=', value: '' }] })).toEqual(['str']);
    expect(await ids({ where: [{ field: 'v', op: '!=', value: 5 }] })).toEqual(['str']);
    expect(await ids({ where: [{ field: 'v', op: '==', value: null }] })).toEqual(['nul']);
    expect(await ids({ orderBy: [{ field: 'v' }] })).toEqual(['nul', 'num', 'str']);
    expect(await ids({})).toEqual(['none', 'nul', 'num', 'str']);
  });

  describe('subscriptions, export and import', () => {
    it('tells subscribers about each commit once, and nothing about a refused one', async () => {
      const store = await seeded();
      const seen: [DocumentChange[], ChangeOrigin][] = [];
      const unsubscribe = store.subscribe((changes, origin) => seen.push([changes, origin]));
      await store.runTransaction(async (tx) => {
        const doc = await tx.get<Counter>('projects', 'p1');
        tx.update('projects', 'p1', { n: 1 }, doc!.version);
        tx.create('activity', 'a1', { what: 'x' });
      });
      await expect(store.runTransaction(async (tx) => tx.update('projects', 'p1', { n: 9 }, 1))).rejects.toBeInstanceOf(ConflictError);
      await store.runTransaction(async (tx) => {
        await tx.get('projects', 'p2');
      });
      expect(seen).toEqual([
        [
          [
            { collection: 'projects', id: 'p1', doc: { id: 'p1', version: 2, data: { n: 1 } } },
            { collection: 'activity', id: 'a1', doc: { id: 'a1', version: 1, data: { what: 'x' } } },
          ],
          'commit',
        ],
      ]);
      seen[0]![0][0]!.doc!.data = 'mutated by a listener';
      expect(await store.get('projects', 'p1')).toEqual({ id: 'p1', version: 2, data: { n: 1 } });
      unsubscribe();
      await store.runTransaction(async (tx) => tx.delete('projects', 'p2', 1));
      expect(seen).toHaveLength(1);
    });

    it('a failing listener does not undo the commit or starve other listeners', async () => {
      const store = await seeded();
      const calls: string[] = [];
      const originalError = console.error;
      console.error = () => calls.push('logged');
      try {
        store.subscribe(() => {
          throw new Error('listener bug');
        });
        store.subscribe(() => calls.push('second listener'));
        await store.runTransaction(async (tx) => tx.update('projects', 'p1', { n: 3 }, 1));
      } finally {
        console.error = originalError;
      }
      expect(calls).toEqual(['logged', 'second listener']);
      expect((await store.get<Counter>('projects', 'p1'))?.data.n).toBe(3);
    });

    it('exports deep copies and imports them into another store', async () => {
      const store = await seeded();
      const exported = store.exportAll();
      expect(exported.projects).toEqual([
        { id: 'p1', version: 1, data: { n: 0 } },
        { id: 'p2', version: 1, data: { n: 10 } },
      ]);
      expect(exported.activity).toEqual([]);
      (exported.projects[0]!.data as Counter).n = 1000;
      expect(store.exportAll().projects[0]!.data).toEqual({ n: 0 });

      const copy = new MemoryDocumentStore();
      await copy.runTransaction(async (tx) => tx.create('banks', 'gone', { name: 'replaced by import' }));
      const seen: [DocumentChange[], ChangeOrigin][] = [];
      copy.subscribe((changes, origin) => seen.push([changes, origin]));
      copy.importAll(store.exportAll());
      expect(copy.exportAll()).toEqual(store.exportAll());
      expect(seen).toHaveLength(1);
      expect(seen[0]![1]).toBe('import');
      expect(seen[0]![0]).toContainEqual({ collection: 'banks', id: 'gone', doc: null });
      expect(seen[0]![0]).toContainEqual({ collection: 'projects', id: 'p2', doc: { id: 'p2', version: 1, data: { n: 10 } } });
    });

    it('adopts imported documents without copying them when asked, and still serves copies', async () => {
      const store = new MemoryDocumentStore();
      const doc = { id: 'p1', version: 3, data: { n: 5 } };
      store.importAll({ projects: [doc] }, { adopt: true });
      const read = await store.get<Counter>('projects', 'p1');
      expect(read).toEqual(doc);
      read!.data.n = 99;
      expect((await store.get<Counter>('projects', 'p1'))!.data.n).toBe(5);
    });

    it('applies remote changes with their versions, notifies, and makes readers in flight retry', async () => {
      const store = await seeded();
      const origins: ChangeOrigin[] = [];
      store.subscribe((_changes, origin) => origins.push(origin));
      let attempts = 0;
      await store.runTransaction(async (tx) => {
        attempts += 1;
        const doc = await tx.get<Counter>('projects', 'p1');
        if (attempts === 1) {
          store.applyRemoteChanges([
            { collection: 'projects', id: 'p1', doc: { id: 'p1', version: 7, data: { n: 70 } } },
            { collection: 'projects', id: 'p2', doc: null },
          ]);
        }
        tx.update('projects', 'p1', { n: doc!.data.n + 1 }, doc!.version);
      });
      expect(attempts).toBe(2);
      expect(await store.get('projects', 'p1')).toEqual({ id: 'p1', version: 8, data: { n: 71 } });
      expect(await store.get('projects', 'p2')).toBeNull();
      expect(origins).toEqual(['remote', 'commit']);
    });

    it('a document deleted and created again does not satisfy a read of the old one', async () => {
      const store = await seeded();
      let attempts = 0;
      await store.runTransaction(async (tx) => {
        attempts += 1;
        const doc = await tx.get<Counter>('projects', 'p1');
        if (attempts === 1) {
          await store.runTransaction(async (inner) => inner.delete('projects', 'p1', 1));
          await store.runTransaction(async (inner) => inner.create('projects', 'p1', { n: 500 }));
        }
        tx.create('activity', `seen-${attempts}`, { n: doc!.data.n });
      });
      expect(attempts).toBe(2);
      expect(await store.get('activity', 'seen-2')).toMatchObject({ data: { n: 500 } });
      expect(await store.get('activity', 'seen-1')).toBeNull();
    });
  });

  describe('deferred collections', () => {
    function deferredStore(stored: Record<string, { id: string; version: number; data: unknown }[]>) {
      const store = new MemoryDocumentStore();
      const loads: string[] = [];
      store.setLoader(async (collection) => {
        loads.push(collection);
        store.loadCollection(collection, stored[collection] ?? []);
      });
      store.importAll({ projects: [{ id: 'p1', version: 1, data: { n: 0 } }] }, { deferred: ['loanLines', 'months'] });
      return { store, loads };
    }

    it('fetches a deferred collection on its first read only', async () => {
      const { store, loads } = deferredStore({ loanLines: [{ id: 'l1', version: 3, data: { n: 7 } }] });
      expect(store.isLoaded('loanLines')).toBe(false);
      expect(await store.get('projects', 'p1')).toMatchObject({ version: 1 });
      expect(loads).toEqual([]);
      expect(await store.query('loanLines')).toEqual([{ id: 'l1', version: 3, data: { n: 7 } }]);
      expect(await store.get('loanLines', 'l1')).toMatchObject({ version: 3 });
      expect(loads).toEqual(['loanLines']);
      expect(store.isLoaded('months')).toBe(false);
    });

    it('a transaction reads a deferred collection as stored', async () => {
      const { store } = deferredStore({ loanLines: [{ id: 'l1', version: 3, data: { n: 7 } }] });
      await store.runTransaction(async (tx) => {
        const line = await tx.get<Counter>('loanLines', 'l1');
        tx.update('loanLines', 'l1', { n: line!.data.n + 1 }, line!.version);
      });
      expect(await store.get('loanLines', 'l1')).toEqual({ id: 'l1', version: 4, data: { n: 8 } });
    });

    it('a collection dropped from memory is fetched again on its next read', async () => {
      const { store, loads } = deferredStore({ loanLines: [{ id: 'l1', version: 3, data: { n: 7 } }] });
      expect(await store.query('loanLines')).toHaveLength(1);
      store.deferCollections(['loanLines']);
      expect(store.isLoaded('loanLines')).toBe(false);
      expect(await store.get('loanLines', 'l1')).toMatchObject({ version: 3 });
      expect(loads).toEqual(['loanLines', 'loanLines']);
    });

    it('an import that defers a collection in memory tells no one of it (its documents are not gone, only not read yet)', async () => {
      const { store } = deferredStore({ loanLines: [{ id: 'l1', version: 3, data: { n: 7 } }] });
      expect(await store.query('loanLines')).toHaveLength(1);
      const heard: DocumentChange[] = [];
      store.subscribe((changes) => heard.push(...changes));
      store.importAll({ projects: [] }, { deferred: ['loanLines', 'months'] });
      expect(heard).toEqual([{ collection: 'projects', id: 'p1', doc: null }]);
      expect(store.isLoaded('loanLines')).toBe(false);
      expect(await store.get('loanLines', 'l1')).toMatchObject({ version: 3 });
      expect(() => store.importAll({ loanLines: [{ id: 'l2', version: 1, data: {} }] }, { deferred: ['loanLines'] })).toThrow(/both given and deferred/);
    });

    it('a create without a read into a deferred collection is checked against its stored documents', async () => {
      const { store, loads } = deferredStore({ months: [{ id: '2026-10', version: 1, data: { n: 1 } }] });
      await expect(store.runTransaction(async (tx) => tx.create('months', '2026-10', { n: 2 }))).rejects.toBeInstanceOf(ConflictError);
      expect(loads).toEqual(['months']);
      expect(await store.get('months', '2026-10')).toMatchObject({ data: { n: 1 } });
      await store.runTransaction(async (tx) => tx.create('months', '2026-11', { n: 3 }));
      expect((await store.query('months')).map((doc) => doc.id)).toEqual(['2026-10', '2026-11']);
    });
  });
});
