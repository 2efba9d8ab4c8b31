import { describe, expect, it } from 'vitest';
import { makeProject } from '../testing/ruleFixtures';
import type { ReportingRound } from '../followUp/reporting';
import { buildAgenda } from './agenda';

const step = (at: string) => ({ at, by: 'u', byName: '某人', text: '进展' });

describe('the agenda shows the 督办 loop and the late banks', () => {
  it('gives each assignment its loop state and light, and lists the banks late with their report', () => {
    const project = makeProject({
      createdAt: '2026-02-01T00:00:00.000Z',
      assignments: [
        { id: 'a1', month: '2026-03', what: '落实用地', who: '市自然资源局', dueDate: '2026-03-20', createdAt: '2026-03-02T00:00:00.000Z', doneAt: null },
        { id: 'a2', month: '2026-03', what: '放款', who: '工商银行', dueDate: '2026-05-30', createdAt: '2026-03-02T00:00:00.000Z', doneAt: null, acknowledged: step('2026-03-03T00:00:00.000Z'), reports: [step('2026-03-25T00:00:00.000Z')] },
      ],
    });
    const round: ReportingRound = { month: '2026-02', deadline: '2026-03-06', openedAt: '2026-03-01T00:00:00.000Z', openedBy: 's', bankIds: ['icbc', 'ceb'], submissions: { icbc: { at: '2026-03-02T00:00:00.000Z', by: 'l', byName: 'L', noChange: true, note: '' } }, chases: [] };
    const agenda = buildAgenda({
      month: '2026-03', projects: [project], lines: [], banks: [{ id: 'icbc', name: '工商银行', category: 'stateLarge', agreementAmount: 0 }, { id: 'ceb', name: '光大银行', category: 'jointStock', agreementAmount: 0 }],
      targets: null, previousSnapshot: null, now: new Date('2026-03-31T04:00:00.000Z'), reportingRound: round,
    });
    expect(agenda.assignments.open.map((a) => [a.assignmentId, a.state, a.light, a.reports])).toEqual([
      ['a1', 'assigned', 'red', 0],
      ['a2', 'acknowledged', 'green', 1],
    ]);
    expect(agenda.lateReports).toEqual([{ month: '2026-02', bankId: 'ceb', bankName: '光大银行' }]);
  });
});
