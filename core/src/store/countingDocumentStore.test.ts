import { describe, expect, it } from 'vitest';
import { countingDocumentStore } from './countingDocumentStore';
import { MemoryDocumentStore } from './memoryDocumentStore';

async function storeWithThreeBanks(): Promise<MemoryDocumentStore> {
  const store = new MemoryDocumentStore();
  await store.runTransaction(async (tx) => {
    for (const id of ['a', 'b', 'c']) tx.create('banks', id, { id, name: id });
  });
  return store;
}

describe('countingDocumentStore', () => {
  it('counts a get as one read found or not, a query as the documents it returns, and every write', async () => {
    const { store, counts } = countingDocumentStore(await storeWithThreeBanks());
    await store.runTransaction(async (tx) => {
      await tx.get('banks', 'a');
      await tx.get('settings', 'missing');
      await tx.query('banks', { where: [{ field: 'name', op: '!=', value: 'a' }] });
      await tx.query('projects');
      tx.create('activity', 'x', { id: 'x' });
      tx.update('banks', 'a', { id: 'a', name: 'A' }, 1);
    });
    expect(counts.transactions).toEqual([
      {
        reads: 4,
        writes: 2,
        queries: 2,
        readsByCollection: { banks: 3, settings: 1, projects: 0 },
        writesByCollection: { activity: 1, banks: 1 },
      },
    ]);
    expect(counts.direct.reads).toBe(0);
  });

  it('counts each attempt of a retried transaction, and reads outside transactions apart', async () => {
    const inner = await storeWithThreeBanks();
    const { store, counts } = countingDocumentStore(inner);
    let attempts = 0;
    await store.runTransaction(async (tx) => {
      const bank = await tx.get<{ id: string; name: string }>('banks', 'b');
      attempts += 1;
      // A commit elsewhere after this attempt's read makes the store run it again.
      if (attempts === 1) await inner.runTransaction(async (other) => other.update('banks', 'b', { id: 'b', name: 'B' }, 1));
      tx.update('banks', 'b', { ...bank!.data, name: `${bank!.data.name}!` }, bank!.version);
    });
    expect(attempts).toBe(2);
    expect(counts.transactions.map((t) => [t.reads, t.writes])).toEqual([
      [1, 1],
      [1, 1],
    ]);
    await store.get('banks', 'b');
    await store.query('banks');
    expect(counts.direct).toMatchObject({ reads: 4, queries: 1, writes: 0 });
    expect((await inner.get<{ name: string }>('banks', 'b'))?.data.name).toBe('B!');

    counts.reset();
    expect(counts.transactions).toEqual([]);
    expect(counts.last()).toBeUndefined();
    expect(counts.direct.reads).toBe(0);
  });
});
