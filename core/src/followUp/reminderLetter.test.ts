import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeProject } from '../testing/ruleFixtures';
import type { Assignment, AssignmentStep } from '../types';
import { namesActor } from './loop';
import { partiesOf } from './parties';
import { LETTER_REPLY_WORKING_DAYS, reminderLetters } from './reminderLetter';

// Wednesday 2026-04-01, noon in Shanghai.
const NOW = new Date('2026-04-01T04:00:00.000Z');
const step = (at: string, text = '进展'): AssignmentStep => ({ at, by: 'u', byName: '某人', text });
const assignment = (id: string, who: string, dueDate: string, extra: Partial<Assignment> = {}): Assignment => ({
  id, month: '2026-03', what: `事项${id}`, who, dueDate, createdAt: '2026-03-20T02:00:00.000Z', doneAt: null, ...extra,
});
const banks = [{ id: 'icbc', name: '工商银行' }, { id: 'ccb', name: '建设银行' }];

const projects = [
  makeProject({
    id: 'p1', name: '污水处理厂',
    assignments: [
      assignment('a1', '工商银行城南支行', '2026-04-10', { acknowledged: step('2026-03-21T02:00:00.000Z') }),
      assignment('a2', '市自然资源局、市住建局', '2026-03-25'),
      assignment('a3', '工商银行', '2026-04-02', { doneAt: '2026-03-30T00:00:00.000Z' }),
    ],
  }),
  makeProject({
    id: 'p2', name: '产业园标准厂房',
    assignments: [
      assignment('b1', '市住建局', '2026-04-03', { acknowledged: step('2026-03-21T02:00:00.000Z'), reports: [step('2026-03-28T02:00:00.000Z')] }),
      assignment('b2', '建设银行', '2026-04-10', { acknowledged: step('2026-03-21T02:00:00.000Z'), closeRequest: step('2026-03-30T02:00:00.000Z', '已完成') }),
      assignment('b3', '市住建局', '2026-05-30', { month: '2026-04' }),
    ],
  }),
];

describe('工作提醒函', () => {
  it('one letter per party with something to do, the most urgent first, unnumbered until issued (letterRegister.ts)', () => {
    const letters = reminderLetters(projects, banks, NOW);
    expect(letters.map((l) => [l.serial, l.party, l.bankId])).toEqual([
      [null, '市住建局', null],
      [null, '市自然资源局', null],
      [null, '工商银行', 'icbc'],
    ]);
    // 建设银行's only item waits for the bureau's 销号: no letter.
    expect(letters.some((l) => l.bankId === 'ccb')).toBe(false);
  });

  it('lists each item with its days, light, state and what is expected', () => {
    const [zhujian, ziran, icbc] = reminderLetters(projects, banks, NOW);
    expect(zhujian!.items.map((i) => [i.assignmentId, i.projectName, i.dueDate, i.light, i.state, i.daysOverdue, i.daysLeft, i.expected])).toEqual([
      ['a2', '污水处理厂', '2026-03-25', 'red', 'assigned', 7, 0, 'overdue'],
      ['b1', '产业园标准厂房', '2026-04-03', 'blue', 'acknowledged', 0, 3, 'proceed'],
      // Not acknowledged twelve days after the meeting: behind pace.
      ['b3', '产业园标准厂房', '2026-05-30', 'yellow', 'assigned', 0, 60, 'acknowledge'],
    ]);
    expect(zhujian!.counts).toEqual({ total: 3, overdue: 1, behindPace: 1, dueSoon: 1, awaitingClose: 0 });
    expect(zhujian!.items[1]).toMatchObject({ reportCount: 1, lastWordOn: '2026-03-28' });
    expect(ziran!.items.map((i) => i.assignmentId)).toEqual(['a2']);
    // Assigned 3-20, due 4-10, no report at half time: a report is expected.
    expect(icbc!.items.map((i) => [i.assignmentId, i.light, i.expected, i.lastWordOn])).toEqual([['a1', 'yellow', 'report', '2026-03-21']]);
  });

  it('dates the letter today and asks for an answer in three working days, weekends skipped', () => {
    const [first] = reminderLetters(projects, banks, NOW);
    expect(LETTER_REPLY_WORKING_DAYS).toBe(3);
    expect(first).toMatchObject({ date: '2026-04-01', year: 2026, replyBy: '2026-04-06' });
    const friday = new Date('2026-04-03T04:00:00.000Z');
    expect(reminderLetters(projects, banks, friday)[0]!.replyBy).toBe('2026-04-08');
  });

  it('after a meeting: only what that meeting or an earlier one decided', () => {
    const march = reminderLetters(projects, banks, NOW, { month: '2026-03' });
    expect(march.find((l) => l.party === '市住建局')!.items.map((i) => i.assignmentId)).toEqual(['a2', 'b1']);
  });

  it('lists on the letter an item waiting for 销号 when the party has other work', () => {
    const withMore = [
      ...projects,
      makeProject({ id: 'p3', name: '综合管廊', assignments: [assignment('c1', '建设银行', '2026-04-15')] }),
    ];
    const ccb = reminderLetters(withMore, banks, NOW).find((l) => l.bankId === 'ccb')!;
    expect(ccb.items.map((i) => [i.assignmentId, i.expected])).toEqual([['b2', 'awaitClose'], ['c1', 'acknowledge']]);
    expect(ccb.counts.awaitingClose).toBe(1);
  });

  it('splits a text naming several parties, compacting spaces', () => {
    expect(partiesOf('市自然资源局、 市住建局；市 发改委')).toEqual(['市自然资源局', '市住建局', '市 发改委']);
    expect(partiesOf(' 、 ')).toEqual([]);
  });

  it('property: every open item reaches the letter of each party it names, and nothing else does', () => {
    const names = ['市自然资源局', '市住建局', '工商银行', '工商银行城南支行', '建设银行', '县政府'];
    const arbItem = fc.record({
      who: fc.uniqueArray(fc.constantFrom(...names), { minLength: 1, maxLength: 3 }).map((parts) => parts.join('、')),
      due: fc.integer({ min: -30, max: 60 }),
      state: fc.constantFrom('assigned', 'acknowledged', 'closeRequested', 'closed'),
    });
    fc.assert(
      fc.property(fc.array(arbItem, { maxLength: 8 }), (specs) => {
        const assignments = specs.map((s, i) => {
          const dueDate = new Date(NOW.getTime() + s.due * 86_400_000).toISOString().slice(0, 10);
          return assignment(`x${i}`, s.who, dueDate, {
            acknowledged: s.state === 'assigned' ? null : step('2026-03-21T02:00:00.000Z'),
            closeRequest: s.state === 'closeRequested' || s.state === 'closed' ? step('2026-03-22T02:00:00.000Z') : null,
            doneAt: s.state === 'closed' ? '2026-03-23T02:00:00.000Z' : null,
          });
        });
        const letters = reminderLetters([makeProject({ id: 'p', name: '项目', assignments })], banks, NOW);
        for (const letter of letters) {
          expect(letter.items.some((i) => i.state !== 'closeRequested')).toBe(true);
          expect(letter.counts.total).toBe(letter.items.length);
          for (const item of letter.items) {
            const a = assignments.find((x) => x.id === item.assignmentId)!;
            expect(a.doneAt).toBeNull();
            const liaison = { name: '-', role: 'liaison' as const, bankId: letter.bankId };
            const unit = { name: '-', role: 'unit' as const, bankId: null, unit: letter.party };
            expect(namesActor(a.who, letter.bankId ? liaison : unit, banks)).toBe(true);
          }
        }
        for (const a of assignments) {
          if (a.doneAt !== null) continue;
          const on = letters.filter((l) => l.items.some((i) => i.assignmentId === a.id));
          const expectedParties = new Set(partiesOf(a.who).map((p) => (p.startsWith('工商银行') ? '工商银行' : p)));
          const got = on.map((l) => l.party);
          expect(new Set(got).size).toBe(got.length);
          for (const party of got) expect(expectedParties.has(party)).toBe(true);
          if (a.closeRequest === null) expect(new Set(got)).toEqual(expectedParties);
        }
      }),
      { numRuns: 60 },
    );
  });
});
