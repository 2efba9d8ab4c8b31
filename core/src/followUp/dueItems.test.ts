import { describe, expect, it } from 'vitest';
import { makeProject } from '../testing/ruleFixtures';
import type { Actor, Assignment } from '../types';
import { dueItemsFor } from './dueItems';
import type { ReportingRound } from './reporting';

const NOW = new Date('2026-04-01T04:00:00.000Z');
const assignment = (id: string, who: string, dueDate: string, extra: Partial<Assignment> = {}): Assignment => ({
  id, month: '2026-03', what: `事项${id}`, who, dueDate, createdAt: '2026-03-20T02:00:00.000Z', doneAt: null, ...extra,
});
const banks = [{ id: 'icbc', name: '工商银行' }, { id: 'ccb', name: '建设银行' }];
const projects = [
  makeProject({
    id: 'p1', name: '污水厂', responsiblePerson: '王科长',
    assignments: [assignment('a1', '工商银行', '2026-04-20'), assignment('a2', '市自然资源局', '2026-03-25'), assignment('a3', '工商银行', '2026-04-02', { doneAt: '2026-03-30T00:00:00.000Z' })],
    blockers: [{ id: 'b1', tag: 'permits', description: '用地预审', party: '市自然资源局', dueDate: '2026-04-02', openedAt: '2026-03-01T00:00:00.000Z', openedBy: 's', resolvedAt: null, resolution: null }],
    lines: [{ id: 'l1', bankId: 'icbc', product: 'projectLoan', status: 'approved', requested: 100, approved: 100, approvedDate: '2026-03-01', contracted: null, contractDate: null, disbursed: 0, trancheCount: 0, firstTrancheDate: null, lastTrancheDate: null, updatedAt: '2026-03-01T00:00:00.000Z' }],
  }),
];
projects[0]!.clearance = { ...projects[0]!.clearance, status: 'blocked' };
const round: ReportingRound = { month: '2026-03', deadline: '2026-03-31', openedAt: '2026-03-31T00:00:00.000Z', openedBy: 's', bankIds: ['icbc', 'ccb'], submissions: {}, chases: [] };
const docs = { projects, banks, reportingRounds: [round] };
const actor = (a: Partial<Actor> & { unit?: string }): Actor => ({ uid: 'u', name: '某人', role: 'staff', bankId: null, ...a });

describe('what needs me', () => {
  it('a liaison: assignments naming the bank, its waiting lines, this month report; by due date', () => {
    const items = dueItemsFor(actor({ role: 'liaison', bankId: 'icbc', name: '工行小李' }), docs, NOW);
    expect(items.map((i) => [i.kind, i.light, i.dueDate])).toEqual([
      ['monthlyReport', 'red', '2026-03-31'],
      ['assignment', 'yellow', '2026-04-20'],
      ['bankLine', 'green', null],
    ]);
    expect(items[1]!.link).toEqual({ to: 'myBank', bankId: 'icbc', projectId: 'p1' });
  });
  it('a unit contact: its assignments and blockers, and the projects of its unit that are blocked', () => {
    const items = dueItemsFor(actor({ role: 'unit', unit: '市自然资源局', name: '联系人' }), docs, NOW);
    expect(items.map((i) => [i.kind, i.light])).toEqual([['assignment', 'red'], ['blocker', 'blue']]);
  });
  it('staff: what is overdue across the city, the projects they are responsible for, late banks', () => {
    const items = dueItemsFor(actor({ name: '王科长' }), docs, NOW);
    expect(items.map((i) => i.kind).sort()).toEqual(['lateBank', 'lateBank', 'overdueAssignment', 'project']);
    expect(items[0]).toMatchObject({ kind: 'overdueAssignment', link: { to: 'project', projectId: 'p1' } });
  });
  it('a viewer has nothing to do', () => {
    expect(dueItemsFor(actor({ role: 'viewer' }), docs, NOW)).toEqual([]);
  });
});
