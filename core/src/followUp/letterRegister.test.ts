import { describe, expect, it } from 'vitest';
import { activities, ICBC_LIAISON, refused, run, STAFF, VIEWER, workspace } from '../commands/testing';
import { MemoryDocumentStore } from '../store/memoryDocumentStore';
import { applyReadPolicy } from '../readPolicy';
import { executeCommand } from '../commands/execute';
import { countingDocumentStore } from '../store/countingDocumentStore';
import { makeProject } from '../testing/ruleFixtures';
import { exportWorkspace, importWorkspace } from '../workspace/file';
import {
  letterCounterDocId,
  letterDocId,
  LETTERS_COLLECTION,
  numberLetters,
  readIssuedLetter,
  readLetterCounter,
  type IssuedLetter,
} from './letterRegister';
import { reminderLetters } from './reminderLetter';

// Wednesday 2026-04-01 and Thursday 2026-04-02, noon in Shanghai.
const DAY1 = new Date('2026-04-01T04:00:00.000Z');
const DAY2 = new Date('2026-04-02T04:00:00.000Z');
const letters = (...parties: string[]) => parties.map((party) => ({ key: party, party }));

async function issued(store: MemoryDocumentStore): Promise<IssuedLetter[]> {
  const docs = await store.query(LETTERS_COLLECTION);
  return docs.flatMap((doc) => {
    const letter = readIssuedLetter(doc.data);
    return letter ? [letter] : [];
  });
}
const numbers = async (store: MemoryDocumentStore, year = 2026) =>
  (await issued(store))
    .filter((l) => l.year === year)
    .sort((a, b) => a.serial - b.serial)
    .map((l) => [l.serial, l.key, l.scope, l.date]);
const counter = async (store: MemoryDocumentStore, year = 2026) => {
  const doc = await store.get(LETTERS_COLLECTION, letterCounterDocId(year));
  return doc ? { version: doc.version, ...readLetterCounter(doc.data)! } : null;
};

describe('letter.issue', () => {
  it('numbers the letters of a meeting once: a reprint the next day keeps the number and the date', async () => {
    const store = await workspace();
    await run(store, STAFF, 'letter.issue', { month: '2026-03', letters: letters('市住建局', '市自然资源局') }, DAY1);
    await run(store, STAFF, 'letter.issue', { month: '2026-03', letters: letters('市自然资源局', '市住建局', '县政府') }, DAY2);
    expect(await numbers(store)).toEqual([
      [1, '市住建局', 'month:2026-03', '2026-04-01'],
      [2, '市自然资源局', 'month:2026-03', '2026-04-01'],
      [3, '县政府', 'month:2026-03', '2026-04-02'],
    ]);
    // A reprint is one get by the letter's id.
    const reprint = await store.get(LETTERS_COLLECTION, letterDocId('month:2026-03', '市住建局'));
    expect(readIssuedLetter(reprint!.data)).toMatchObject({ serial: 1, date: '2026-04-01' });
    expect(await counter(store)).toMatchObject({ year: 2026, next: 4 });
    // Only the letters numbered the second time are in its history record.
    const records = (await activities(store)).filter((a) => a.command === 'letter.issue');
    expect(records.map((a) => a.after)).toEqual([{ letters: '〔2026〕1 市住建局；〔2026〕2 市自然资源局' }, { letters: '〔2026〕3 县政府' }]);
  });

  it('gives the letters of every open item a number per day, and writes nothing when all are numbered', async () => {
    const store = await workspace();
    await run(store, STAFF, 'letter.issue', { month: null, letters: letters('市住建局') }, DAY1);
    const before = await counter(store);
    await run(store, STAFF, 'letter.issue', { month: null, letters: letters('市住建局', '市住建局') }, DAY1);
    expect(await counter(store)).toEqual(before);
    await run(store, STAFF, 'letter.issue', { month: null, letters: letters('市住建局') }, DAY2);
    expect(await numbers(store)).toEqual([
      [1, '市住建局', 'day:2026-04-01', '2026-04-01'],
      [2, '市住建局', 'day:2026-04-02', '2026-04-02'],
    ]);
  });

  it('starts each year at 1, and a meeting letter issued last December keeps its number', async () => {
    const store = await workspace();
    await run(store, STAFF, 'letter.issue', { month: '2026-12', letters: letters('市住建局') }, new Date('2026-12-30T04:00:00.000Z'));
    await run(store, STAFF, 'letter.issue', { month: '2026-12', letters: letters('市住建局', '县政府') }, new Date('2027-01-04T04:00:00.000Z'));
    expect(await numbers(store, 2026)).toEqual([[1, '市住建局', 'month:2026-12', '2026-12-30']]);
    expect(await numbers(store, 2027)).toEqual([[1, '县政府', 'month:2026-12', '2027-01-04']]);
  });

  it('never gives two letters one number when people print at the same time', async () => {
    const store = await workspace();
    const parties = ['甲局', '乙局', '丙局', '丁局', '戊局'];
    // Each party printed twice at once: five letters, not ten, numbered 1..5.
    await Promise.all([...parties, ...parties].map((party) => run(store, STAFF, 'letter.issue', { month: '2026-03', letters: letters(party) }, DAY1)));
    const all = await issued(store);
    expect(all.map((l) => l.serial).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5]);
    expect(new Set(all.map((l) => l.key)).size).toBe(5);
    expect(await counter(store)).toMatchObject({ next: 6 });
  });

  it('a year of thousands of letters grows no document: the counter stays one small number', async () => {
    const store = await workspace();
    const parties = Array.from({ length: 30 }, (_, i) => `第${i + 1}局`);
    let day = DAY1.getTime();
    for (let d = 0; d < 100; d++, day += 86_400_000) {
      await run(store, STAFF, 'letter.issue', { month: null, letters: letters(...parties) }, new Date(day));
    }
    const stored = await store.get(LETTERS_COLLECTION, letterCounterDocId(2026));
    expect(stored!.data).toEqual({ year: 2026, next: 3001 });
    // One write of the counter per issue; every letter its own small document.
    expect(stored!.version).toBe(100);
    const docs = await store.query(LETTERS_COLLECTION);
    expect(docs).toHaveLength(3001);
    expect(Math.max(...docs.map((doc) => JSON.stringify(doc.data).length))).toBeLessThan(300);
    // The 101st day's issue reads its letters and the counter, never a list; it writes its letters,
    // the counter and one record.
    const counting = countingDocumentStore(store);
    await executeCommand(counting.store, { actor: STAFF, now: new Date(day) }, { name: 'letter.issue', payload: { month: null, letters: letters(...parties) } });
    const counts = counting.counts.last()!;
    expect(counts.queries).toBe(0);
    expect(counts.readsByCollection.letters).toBe(31);
    expect(counts.readsByCollection.settings).toBeUndefined();
    expect(counts.writesByCollection).toEqual({ letters: 31, activity: 1 });
  });

  it('gives a party with a / in its name a Firestore-safe id of its own', async () => {
    const store = await workspace();
    await run(store, STAFF, 'letter.issue', { month: null, letters: letters('市住建局/市城管局', '市住建局%2F市城管局') }, DAY1);
    const ids = (await store.query(LETTERS_COLLECTION)).map((doc) => doc.id).filter((id) => id.startsWith('day:'));
    expect(ids).toHaveLength(2);
    expect(ids.every((id) => !id.includes('/'))).toBe(true);
  });

  it('goes into the backup file and comes back from it: a reprint after a restore keeps the number', async () => {
    const store = await workspace();
    await run(store, STAFF, 'letter.issue', { month: '2026-03', letters: letters('市住建局', '县政府') }, DAY1);
    const file = await exportWorkspace(store);
    expect(file.collections.letters.map((doc) => doc.id).sort()).toEqual(['counter-2026', letterDocId('month:2026-03', '县政府'), letterDocId('month:2026-03', '市住建局')].sort());
    const restored = new MemoryDocumentStore();
    await importWorkspace(restored, JSON.parse(JSON.stringify(file)));
    await run(restored, STAFF, 'letter.issue', { month: '2026-03', letters: letters('县政府', '市自然资源局') }, DAY2);
    expect(await numbers(restored)).toEqual([
      [1, '市住建局', 'month:2026-03', '2026-04-01'],
      [2, '县政府', 'month:2026-03', '2026-04-01'],
      [3, '市自然资源局', 'month:2026-03', '2026-04-02'],
    ]);
  });

  it('refuses a viewer, an empty list and a key that is not the party’s; nothing is written', async () => {
    const store = await workspace();
    expect((await refused(store, VIEWER, 'letter.issue', { month: null, letters: letters('市住建局') }, DAY1)).code).toBe('permission-denied');
    expect((await refused(store, STAFF, 'letter.issue', { month: null, letters: [] }, DAY1)).code).toBe('invalid-argument');
    expect((await refused(store, STAFF, 'letter.issue', { month: null, letters: [{ key: '别的局', party: '市住建局' }] }, DAY1)).code).toBe('invalid-argument');
  });

  it('is the bureau’s to read: a liaison or a unit contact sees no letter and no counter', async () => {
    const store = await workspace();
    await run(store, STAFF, 'letter.issue', { month: null, letters: letters('市住建局') }, DAY1);
    const docs = await store.query(LETTERS_COLLECTION);
    expect(docs.length).toBe(2);
    for (const doc of docs) {
      expect(applyReadPolicy(VIEWER, 'letters', doc)).toEqual(doc);
      expect(applyReadPolicy(ICBC_LIAISON, 'letters', doc)).toBeNull();
      expect(applyReadPolicy({ uid: 'u-unit', role: 'unit', bankId: null, unit: '市住建局' }, 'letters', doc)).toBeNull();
    }
  });
});

describe('numberLetters', () => {
  const projects = [
    makeProject({
      id: 'p1',
      name: '污水处理厂',
      assignments: [
        { id: 'a1', month: '2026-03', what: '用地预审', who: '市自然资源局', dueDate: '2026-03-25', createdAt: '2026-03-20T02:00:00.000Z', doneAt: null },
        { id: 'a2', month: '2026-03', what: '施工许可', who: '市住建局', dueDate: '2026-04-10', createdAt: '2026-03-20T02:00:00.000Z', doneAt: null },
      ],
    }),
  ];

  it('shows an issued letter with its number, date and reply-by date, and an unissued one without a number', async () => {
    const store = await workspace();
    await run(store, STAFF, 'letter.issue', { month: '2026-03', letters: letters('市住建局') }, DAY1);
    const stored = await issued(store);
    // The next day, a reprint: the same number and date; the other party's letter is not issued yet.
    const shown = numberLetters(reminderLetters(projects, [], DAY2, { month: '2026-03' }), stored, '2026-03');
    const byKey = Object.fromEntries(shown.map((l) => [l.key, l]));
    expect(byKey['市住建局']).toMatchObject({ serial: 1, year: 2026, date: '2026-04-01', replyBy: '2026-04-06' });
    expect(byKey['市自然资源局']).toMatchObject({ serial: null, date: '2026-04-02' });
    // Another scope is another letter.
    expect(numberLetters(reminderLetters(projects, [], DAY2), stored, null).every((l) => l.serial === null)).toBe(true);
  });
});
