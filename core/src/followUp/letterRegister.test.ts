import { describe, expect, it } from 'vitest';
import { activities, refused, run, STAFF, VIEWER, workspace } from '../commands/testing';
import type { MemoryDocumentStore } from '../store/memoryDocumentStore';
import { makeProject } from '../testing/ruleFixtures';
import { letterRegisterDocId, numberLetters, readLetterRegister, type LetterRegister } from './letterRegister';
import { reminderLetters } from './reminderLetter';

// Wednesday 2026-04-01 and Thursday 2026-04-02, noon in Shanghai.
const DAY1 = new Date('2026-04-01T04:00:00.000Z');
const DAY2 = new Date('2026-04-02T04:00:00.000Z');
const letters = (...parties: string[]) => parties.map((party) => ({ key: party, party }));

async function register(store: MemoryDocumentStore, year = 2026): Promise<LetterRegister | null> {
  const doc = await store.get('settings', letterRegisterDocId(year));
  return doc ? readLetterRegister(doc.data) : null;
}
const numbers = async (store: MemoryDocumentStore, year = 2026) => (await register(store, year))?.issued.map((l) => [l.serial, l.key, l.scope, l.date]) ?? [];

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
    // Only the letters numbered the second time are in its history record.
    const records = (await activities(store)).filter((a) => a.command === 'letter.issue');
    expect(records.map((a) => a.after)).toEqual([{ letters: '〔2026〕1 市住建局；〔2026〕2 市自然资源局' }, { letters: '〔2026〕3 县政府' }]);
  });

  it('gives the letters of every open item a number per day, and writes nothing when all are numbered', async () => {
    const store = await workspace();
    await run(store, STAFF, 'letter.issue', { month: null, letters: letters('市住建局') }, DAY1);
    const version = (await store.get('settings', letterRegisterDocId(2026)))!.version;
    await run(store, STAFF, 'letter.issue', { month: null, letters: letters('市住建局') }, DAY1);
    expect((await store.get('settings', letterRegisterDocId(2026)))!.version).toBe(version);
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
    await Promise.all(['甲局', '乙局', '丙局', '丁局', '戊局'].map((party) => run(store, STAFF, 'letter.issue', { month: '2026-03', letters: letters(party) }, DAY1)));
    const issued = (await register(store))!.issued;
    expect(issued.map((l) => l.serial).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5]);
    expect(new Set(issued.map((l) => l.key)).size).toBe(5);
  });

  it('refuses a viewer, an empty list and a key that is not the party’s; nothing is written', async () => {
    const store = await workspace();
    expect((await refused(store, VIEWER, 'letter.issue', { month: null, letters: letters('市住建局') }, DAY1)).code).toBe('permission-denied');
    expect((await refused(store, STAFF, 'letter.issue', { month: null, letters: [] }, DAY1)).code).toBe('invalid-argument');
    expect((await refused(store, STAFF, 'letter.issue', { month: null, letters: [{ key: '别的局', party: '市住建局' }] }, DAY1)).code).toBe('invalid-argument');
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
    const registers = [(await register(store))!];
    // The next day, a reprint: the same number and date; the other party's letter is not issued yet.
    const shown = numberLetters(reminderLetters(projects, [], DAY2, { month: '2026-03' }), registers, '2026-03');
    const byKey = Object.fromEntries(shown.map((l) => [l.key, l]));
    expect(byKey['市住建局']).toMatchObject({ serial: 1, year: 2026, date: '2026-04-01', replyBy: '2026-04-06' });
    expect(byKey['市自然资源局']).toMatchObject({ serial: null, date: '2026-04-02' });
    // Another scope is another letter.
    expect(numberLetters(reminderLetters(projects, [], DAY2), registers, null).every((l) => l.serial === null)).toBe(true);
  });
});
