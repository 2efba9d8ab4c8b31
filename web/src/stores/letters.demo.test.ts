/**
 * The 工作提醒函 register on the demo backend: the `letters` collection stays on disk until the
 * letters page (or `letter.issue`) reads it, a reload finds the numbers again, and only the bureau
 * reads it.
 */
import { describe, expect, it } from 'vitest';
import { LETTERS_COLLECTION, type IssuedLetter, type StoredDoc } from '@clearway/core';
import type { LocalBackend } from '@/backend/local';
import { useLocalBackends } from '@/test/localBackends';

const NOW = new Date('2026-11-27T04:00:00.000Z');
const SCOPE = 'day:2026-11-27';
let dbCounter = 0;

function memoryStorage() {
  const data = new Map<string, string>();
  return { getItem: (key: string) => data.get(key) ?? null, setItem: (key: string, value: string) => void data.set(key, value) };
}

const backends = useLocalBackends({ firstScanAfter: new Promise<void>(() => undefined), now: () => NOW });
const open = (dbName: string, storage = memoryStorage()): Promise<LocalBackend> => backends.open({ dbName, storage });
const close = backends.close;

function scopeLetters(backend: LocalBackend): Promise<StoredDoc<IssuedLetter>[]> {
  return new Promise((resolve, reject) => {
    const stop = backend.watchQuery<IssuedLetter>(LETTERS_COLLECTION, { where: [{ field: 'scope', op: '==', value: SCOPE }] }, (docs) => {
      queueMicrotask(stop);
      resolve(docs);
    }, reject);
  });
}

const issue = { name: 'letter.issue' as const, payload: { month: null, letters: [{ key: '市住建局', party: '市住建局' }, { key: 'bank:icbc', party: '工商银行' }] } };

describe('the letter register on the demo backend', () => {
  it('is read from disk when first needed, keeps its numbers across a reload, and is the bureau’s only', async () => {
    const dbName = `letters-demo-${++dbCounter}`;
    const storage = memoryStorage();
    const first = await open(dbName, storage);
    await first.local.switchIdentity('u-staff');
    await first.execute(issue);
    const issued = await scopeLetters(first);
    expect(issued.map((doc) => [doc.data.key, doc.data.serial])).toEqual(expect.arrayContaining([['市住建局', 1], ['bank:icbc', 2]]));
    close(first);

    const tab = await open(dbName, storage);
    // The board's first paint does not read the register.
    expect(tab.store.isLoaded(LETTERS_COLLECTION)).toBe(false);
    await tab.local.switchIdentity('u-staff');
    expect(await scopeLetters(tab)).toEqual(issued);
    // A reprint allocates nothing: the counter is where it was.
    await tab.execute(issue);
    expect((await tab.store.get(LETTERS_COLLECTION, 'counter-2026'))!.data).toEqual({ year: 2026, next: 3 });
    await tab.local.switchIdentity('u-liaison-icbc');
    expect(await scopeLetters(tab)).toEqual([]);
  });
});
