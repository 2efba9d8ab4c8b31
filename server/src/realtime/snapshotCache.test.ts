/** The realtime hub's cache of whole answers: reused only while nothing of their collection changed. */
import { describe, expect, it } from 'vitest';
import type { StoredDoc } from '@clearway/core';
import { SnapshotCache } from './snapshotCache';

const doc = (id: string, version: number, data: Record<string, unknown> = { name: id }): StoredDoc => ({ id, version, data });
const same = (stored: StoredDoc) => stored;

function counting(docs: () => StoredDoc[]) {
  let calls = 0;
  return {
    compute: async () => {
      calls += 1;
      return docs();
    },
    get calls() {
      return calls;
    },
  };
}

describe('SnapshotCache', () => {
  it('answers again from the cache until the collection changes, then reads anew', async () => {
    const cache = new SnapshotCache();
    let docs = [doc('a', 1), doc('b', 2)];
    const source = counting(() => docs);
    const first = await cache.get('bureau|projects', 'projects', source.compute, same);
    expect(JSON.parse(first.text)).toEqual(docs);
    expect([...first.versions]).toEqual([['a', 1], ['b', 2]]);
    await cache.get('bureau|projects', 'projects', source.compute, same);
    expect(source.calls).toBe(1);

    cache.invalidate(['banks']);
    await cache.get('bureau|projects', 'projects', source.compute, same);
    expect(source.calls).toBe(1);

    docs = [doc('a', 3)];
    cache.invalidate(['projects']);
    const next = await cache.get('bureau|projects', 'projects', source.compute, same);
    expect(source.calls).toBe(2);
    expect(JSON.parse(next.text)).toEqual([doc('a', 3)]);
  });

  it('takes changes in as a connection does: newer versions replace, late echoes and other collections are ignored, what leaves the answer goes', async () => {
    const cache = new SnapshotCache();
    const source = counting(() => [doc('a', 1), doc('b', 1), doc('c', 1)]);
    // This answer shows only documents that are not hidden, as a card of their name.
    const project = (stored: StoredDoc) => ((stored.data as { hidden?: boolean }).hidden ? null : { id: stored.id, version: stored.version, data: { card: (stored.data as { name: string }).name } });
    const read = async () => JSON.parse((await cache.get('k', 'projects', source.compute, project)).text) as StoredDoc[];
    await read();
    cache.applyChanges(
      [
        { collection: 'projects', id: 'a', doc: doc('a', 2, { name: 'A2' }) },
        { collection: 'projects', id: 'b', doc: doc('b', 2, { name: 'b', hidden: true }) },
        { collection: 'projects', id: 'c', doc: null },
        { collection: 'projects', id: 'd', doc: doc('d', 1, { name: 'D' }) },
        { collection: 'banks', id: 'a', doc: doc('a', 9) },
      ]);
    cache.applyChanges([{ collection: 'projects', id: 'a', doc: doc('a', 1, { name: 'late' }) }]);
    const docs = await read();
    expect(source.calls).toBe(1);
    expect(docs.sort((x, y) => (x.id < y.id ? -1 : 1))).toEqual([
      { id: 'a', version: 2, data: { card: 'A2' } },
      { id: 'd', version: 1, data: { card: 'D' } },
    ]);
    const { versions } = await cache.get('k', 'projects', source.compute, project);
    expect([...versions].sort()).toEqual([['a', 2], ['d', 1]]);
  });

  it('projects a change only when the answer is asked for, once, however many versions came before', async () => {
    const cache = new SnapshotCache();
    let projected = 0;
    const project = (stored: StoredDoc) => {
      projected += 1;
      return stored;
    };
    await cache.get('k', 'projects', async () => [doc('a', 1)], project);
    for (let version = 2; version <= 5; version += 1) cache.applyChanges([{ collection: 'projects', id: 'a', doc: doc('a', version) }]);
    expect(projected).toBe(0);
    const source = counting(() => [doc('a', 1)]);
    expect(JSON.parse((await cache.get('k', 'projects', source.compute, project)).text)).toEqual([doc('a', 5)]);
    await cache.get('k', 'projects', source.compute, project);
    expect(projected).toBe(1);
    expect(source.calls).toBe(0);
  });

  it('reads the answer anew when a change it took in cannot be projected', async () => {
    const cache = new SnapshotCache();
    const project = (stored: StoredDoc) => {
      if ((stored.data as { broken?: boolean }).broken) throw new Error('unprojectable');
      return stored;
    };
    await cache.get('k', 'projects', async () => [doc('a', 1)], project);
    cache.applyChanges([{ collection: 'projects', id: 'a', doc: doc('a', 2, { broken: true }) }]);
    const source = counting(() => [doc('a', 3)]);
    expect(JSON.parse((await cache.get('k', 'projects', source.compute, project)).text)).toEqual([doc('a', 3)]);
    expect(source.calls).toBe(1);
  });

  it('keeps audiences apart: another key computes its own answer', async () => {
    const cache = new SnapshotCache();
    const bureau = await cache.get('bureau|projects', 'projects', async () => [doc('a', 1), doc('b', 1)], same);
    const bank = await cache.get('bank:icbc|projects', 'projects', async () => [doc('a', 1)], same);
    expect(JSON.parse(bureau.text)).toHaveLength(2);
    expect(JSON.parse(bank.text)).toHaveLength(1);
  });

  it('does not keep an answer its collection changed under while it was computed', async () => {
    const cache = new SnapshotCache();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const slow = cache.get('k', 'projects', async () => {
      await gate;
      return [doc('a', 1)];
    }, same);
    cache.applyChanges([{ collection: 'projects', id: 'a', doc: doc('a', 2) }]);
    release();
    expect(JSON.parse((await slow).text)).toEqual([doc('a', 1)]);
    const source = counting(() => [doc('a', 2)]);
    expect(JSON.parse((await cache.get('k', 'projects', source.compute, same)).text)).toEqual([doc('a', 2)]);
    expect(source.calls).toBe(1);
  });

  it('shares one computation between concurrent asks, but not across a change', async () => {
    const cache = new SnapshotCache();
    const source = counting(() => [doc('a', 1)]);
    await Promise.all([cache.get('k', 'projects', source.compute, same), cache.get('k', 'projects', source.compute, same)]);
    expect(source.calls).toBe(1);
    cache.invalidate(['projects']);
    const before = cache.get('k', 'projects', source.compute, same);
    cache.invalidate(['projects']);
    await Promise.all([before, cache.get('k', 'projects', source.compute, same)]);
    expect(source.calls).toBe(3);
  });

  it('forgets everything on a resync, and stays within its size bound (least recently used first)', async () => {
    const cache = new SnapshotCache(100);
    await cache.get('a', 'projects', async () => [doc('a', 1)], same);
    await cache.get('b', 'banks', async () => [doc('b', 1)], same);
    expect(cache.size).toBe(1);
    cache.invalidateAll();
    expect(cache.size).toBe(0);
    const source = counting(() => [doc('b', 1)]);
    await cache.get('b', 'banks', source.compute, same);
    expect(source.calls).toBe(1);
    expect(cache.size).toBe(1);
  });
});
