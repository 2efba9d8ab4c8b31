/** The realtime hub's cache of whole answers: reused only while nothing of their collection changed. */
import { describe, expect, it } from 'vitest';
import type { StoredDoc } from '@clearway/core';
import { SnapshotCache } from './snapshotCache';

const doc = (id: string, version: number): StoredDoc => ({ id, version, data: { name: id } });

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
    const first = await cache.get('bureau|projects', 'projects', source.compute);
    expect(JSON.parse(first.text)).toEqual(docs);
    expect([...first.versions]).toEqual([['a', 1], ['b', 2]]);
    await cache.get('bureau|projects', 'projects', source.compute);
    expect(source.calls).toBe(1);

    cache.invalidate(['banks']);
    await cache.get('bureau|projects', 'projects', source.compute);
    expect(source.calls).toBe(1);

    docs = [doc('a', 3)];
    cache.invalidate(['projects']);
    const next = await cache.get('bureau|projects', 'projects', source.compute);
    expect(source.calls).toBe(2);
    expect(JSON.parse(next.text)).toEqual([doc('a', 3)]);
  });

  it('keeps audiences apart: another key computes its own answer', async () => {
    const cache = new SnapshotCache();
    const bureau = await cache.get('bureau|projects', 'projects', async () => [doc('a', 1), doc('b', 1)]);
    const bank = await cache.get('bank:icbc|projects', 'projects', async () => [doc('a', 1)]);
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
    });
    cache.invalidate(['projects']);
    release();
    expect(JSON.parse((await slow).text)).toEqual([doc('a', 1)]);
    const source = counting(() => [doc('a', 2)]);
    expect(JSON.parse((await cache.get('k', 'projects', source.compute)).text)).toEqual([doc('a', 2)]);
    expect(source.calls).toBe(1);
  });

  it('shares one computation between concurrent asks, but not across a change', async () => {
    const cache = new SnapshotCache();
    const source = counting(() => [doc('a', 1)]);
    await Promise.all([cache.get('k', 'projects', source.compute), cache.get('k', 'projects', source.compute)]);
    expect(source.calls).toBe(1);
    cache.invalidate(['projects']);
    const before = cache.get('k', 'projects', source.compute);
    cache.invalidate(['projects']);
    await Promise.all([before, cache.get('k', 'projects', source.compute)]);
    expect(source.calls).toBe(3);
  });

  it('forgets everything on a resync, and stays within its size bound (least recently used first)', async () => {
    const cache = new SnapshotCache(60);
    await cache.get('a', 'projects', async () => [doc('a', 1)]);
    await cache.get('b', 'banks', async () => [doc('b', 1)]);
    expect(cache.size).toBe(1);
    cache.invalidateAll();
    expect(cache.size).toBe(0);
    const source = counting(() => [doc('b', 1)]);
    await cache.get('b', 'banks', source.compute);
    expect(source.calls).toBe(1);
    expect(cache.size).toBe(1);
  });
});
