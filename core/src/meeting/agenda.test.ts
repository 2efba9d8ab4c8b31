import { describe, expect, it } from 'vitest';
import { buildAgenda, waitingLevel } from './agenda';
import { buildMonthSnapshot } from './snapshot';
import { planMonths, placeInPlan, plannedAmount, plannedVsActual } from './plan';
import { MEETING_BANKS as banks, MEETING_NOW, MEETING_TARGETS as targets, WAN, handMadeWorkspace, makeProject } from './testing';
import type { Project } from '../types';

const now = MEETING_NOW;

function mayAgenda() {
  const { projects, lines } = handMadeWorkspace();
  const april = buildMonthSnapshot('2026-04', projects, lines, banks, new Date('2026-05-02T02:00:00.000Z'));
  const agenda = buildAgenda({ month: '2026-05', projects, lines, banks, targets, previousSnapshot: april, now });
  return { agenda, april, projects, lines };
}

describe('buildAgenda on a hand-made workspace', () => {
  it('totals the list and compares with the annual targets', () => {
    const { agenda } = mayAgenda();
    expect(agenda.asOf).toBe('2026-05-31T15:59:59.999Z');
    expect(agenda.previousMonth).toBe('2026-04');
    expect(agenda.totals).toMatchObject({
      projectCount: 5,
      offFlowCount: 1,
      stalledCount: 1,
      openBlockerCount: 3,
      need: 19_000 * WAN,
      requested: 16_000 * WAN,
      approved: 11_000 * WAN,
      contracted: 8_000 * WAN,
      disbursed: 5_000 * WAN,
      disbursedInMonth: 1_500 * WAN,
      approvedNotDisbursed: 6_000 * WAN,
      approvedThisYear: 9_000 * WAN,
      disbursedThisYear: 3_500 * WAN,
    });
    expect(agenda.totals.approvalRate).toBeCloseTo(11 / 19, 12);
    expect(agenda.totals.disbursementRate).toBeCloseTo(5 / 11, 12);
    expect(agenda.totals.landingRate).toBeCloseTo(5 / 19, 12);
    expect(agenda.targets.approved).toEqual({ actual: 9_000 * WAN, target: 20_000 * WAN, rate: 0.45 });
    expect(agenda.targets.disbursed).toEqual({ actual: 3_500 * WAN, target: 10_000 * WAN, rate: 0.35 });
    expect(agenda.targets.projects).toEqual({ actual: 4, target: 10, rate: 0.4 });
  });

  it('builds the stage funnel of the projects on the flow', () => {
    const { agenda } = mayAgenda();
    expect(agenda.funnel).toEqual([
      { stage: 'pipeline', count: 0, need: 0, approved: 0, disbursed: 0, amount: 0 },
      { stage: 'matched', count: 0, need: 0, approved: 0, disbursed: 0, amount: 0 },
      { stage: 'diligence', count: 0, need: 0, approved: 0, disbursed: 0, amount: 0 },
      { stage: 'approval', count: 1, need: 3_000 * WAN, approved: 0, disbursed: 0, amount: 3_000 * WAN },
      { stage: 'approved', count: 1, need: 5_000 * WAN, approved: 3_000 * WAN, disbursed: 0, amount: 3_000 * WAN },
      { stage: 'disbursing', count: 1, need: 8_000 * WAN, approved: 6_000 * WAN, disbursed: 3_000 * WAN, amount: 6_000 * WAN },
      { stage: 'disbursed', count: 1, need: 2_000 * WAN, approved: 2_000 * WAN, disbursed: 2_000 * WAN, amount: 2_000 * WAN },
    ]);
    expect(agenda.offFlow).toEqual([
      { flag: 'suspended', count: 1, need: 1_000 * WAN },
      { flag: 'withdrawn', count: 0, need: 0 },
      { flag: 'rejected', count: 0, need: 0 },
    ]);
  });

  it('reports each bank with its month-on-month change and its agreement', () => {
    const { agenda } = mayAgenda();
    expect(agenda.byBank.map((b) => b.bankId)).toEqual(['ceb', 'icbc', 'hx']);
    const [ceb, icbc, hx] = agenda.byBank;
    expect(ceb).toMatchObject({
      projectCount: 1,
      lineCount: 1,
      approved: 6_000 * WAN,
      contracted: 6_000 * WAN,
      disbursed: 3_000 * WAN,
      disbursedInMonth: 1_000 * WAN,
      approvedNotDisbursed: 3_000 * WAN,
      change: { approved: 0, contracted: 0, disbursed: 1_000 * WAN },
      agreementRate: 0.06,
    });
    expect(icbc).toMatchObject({
      projectCount: 3,
      lineCount: 3,
      requested: 7_000 * WAN,
      approved: 5_000 * WAN,
      contracted: 2_000 * WAN,
      disbursed: 2_000 * WAN,
      disbursedInMonth: 500 * WAN,
      approvedNotDisbursed: 3_000 * WAN,
      change: { approved: 0, contracted: 0, disbursed: 500 * WAN },
      agreementRate: 0.02,
    });
    expect(hx).toMatchObject({ requested: 3_000 * WAN, approved: 0, agreementRate: null, change: { approved: 0, contracted: 0, disbursed: 0 } });
  });

  it('has no month-on-month change without a previous month', () => {
    const { projects, lines } = handMadeWorkspace();
    const agenda = buildAgenda({ month: '2026-05', projects, lines, banks, targets: null, previousSnapshot: null, now });
    expect(agenda.byBank.every((b) => b.change === null)).toBe(true);
    expect(agenda.targets.approved).toEqual({ actual: 9_000 * WAN, target: null, rate: null });
    expect(agenda.changes.newProjects).toHaveLength(5);
  });

  it('groups by district and by sector', () => {
    const { agenda } = mayAgenda();
    expect(agenda.byDistrict).toEqual([
      { key: '西城区', projectCount: 2, stalledCount: 0, openBlockerCount: 1, need: 10_000 * WAN, requested: 10_000 * WAN, approved: 8_000 * WAN, contracted: 8_000 * WAN, disbursed: 5_000 * WAN, disbursedInMonth: 1_500 * WAN, approvedNotDisbursed: 3_000 * WAN },
      { key: '东城区', projectCount: 3, stalledCount: 1, openBlockerCount: 2, need: 9_000 * WAN, requested: 6_000 * WAN, approved: 3_000 * WAN, contracted: 0, disbursed: 0, disbursedInMonth: 0, approvedNotDisbursed: 3_000 * WAN },
    ]);
    expect(agenda.bySector.map((s) => [s.key, s.need / WAN])).toEqual([
      ['交通', 8_000],
      ['水务', 5_000],
      ['工业', 3_000],
      ['城建', 2_000],
      ['文旅', 1_000],
    ]);
  });

  it('lists approved-not-disbursed projects with days waiting and the 60/90-day level', () => {
    const { agenda } = mayAgenda();
    expect(agenda.approvedNotDisbursed.map((r) => [r.projectId, r.days, r.level, r.waiting / WAN, r.bankNames])).toEqual([
      ['A', 105, 'alarm', 3_000, ['工商银行']],
      ['B', 72, 'warn', 3_000, ['光大银行']],
    ]);
    expect(agenda.approvedNotDisbursed[0]!.leadBankName).toBe('工商银行');
    expect(waitingLevel(60, { approvedWarnDays: 60, approvedAlarmDays: 90 })).toBe('ok');
    expect(waitingLevel(61, { approvedWarnDays: 60, approvedAlarmDays: 90 })).toBe('warn');
    expect(waitingLevel(91, { approvedWarnDays: 60, approvedAlarmDays: 90 })).toBe('alarm');
  });

  it('uses the workspace thresholds when given', () => {
    const { projects, lines } = handMadeWorkspace();
    const agenda = buildAgenda({ month: '2026-05', projects, lines, banks, targets, previousSnapshot: null, now, rules: { approvedWarnDays: 30, approvedAlarmDays: 70 } });
    expect(agenda.approvedNotDisbursed.map((r) => r.level)).toEqual(['alarm', 'alarm']);
  });

  it('lists stalled projects with their reasons', () => {
    const { agenda } = mayAgenda();
    expect(agenda.stalled).toHaveLength(1);
    expect(agenda.stalled[0]).toMatchObject({ projectId: 'C', leadBankName: '华夏银行', responsibleUnit: '市工信局', since: '2026-05-10T16:00:00.000Z' });
    expect(agenda.stalled[0]!.flags[0]).toMatchObject({ rule: 'stageLimit', params: { days: 111, limit: 90 } });
  });

  it('sorts the problems into new, in progress, resolved and overdue, by tag and by party', () => {
    const { agenda } = mayAgenda();
    expect(agenda.problems.rows.map((r) => [r.blockerId, r.status, r.overdue, r.daysOverdue])).toEqual([
      ['c1', 'inProgress', true, 11],
      ['c3', 'new', false, 0],
      ['b1', 'new', false, 0],
      ['c2', 'resolved', false, 0],
    ]);
    expect(agenda.problems.rows[3]).toMatchObject({ resolution: '资本金已到位', resolvedAt: '2026-05-25T02:00:00.000Z' });
    expect(agenda.problems.counts).toEqual({ new: 2, inProgress: 1, resolved: 1, overdue: 1 });
    expect(agenda.problems.byTag).toEqual([
      { key: 'permits', new: 0, inProgress: 1, resolved: 0, overdue: 1 },
      { key: 'bank', new: 1, inProgress: 0, resolved: 0, overdue: 0 },
      { key: 'drawdown', new: 1, inProgress: 0, resolved: 0, overdue: 0 },
      { key: 'equity', new: 0, inProgress: 0, resolved: 1, overdue: 0 },
    ]);
    expect(agenda.problems.byParty.map((g) => g.key)).toEqual(['市自然资源局', '光大银行', '西区城投', '业主']);
  });

  it('lists open and overdue assignments', () => {
    const { agenda } = mayAgenda();
    expect(agenda.assignments.open.map((a) => a.assignmentId)).toEqual(['a1', 'e1']);
    expect(agenda.assignments.overdue.map((a) => [a.assignmentId, a.daysOverdue, a.projectName])).toEqual([['a1', 16, '产业园标准厂房']]);
    expect(agenda.assignments.decidedThisMonth.map((a) => a.assignmentId)).toEqual(['e1']);
  });

  it("keeps a month's decisions recorded at its meeting after the month ended", () => {
    const { projects, lines } = handMadeWorkspace();
    const [first, ...rest] = projects as [Project, ...Project[]];
    const decided = {
      id: 'late',
      month: '2026-05',
      what: '督促首笔提款',
      who: '市财政局',
      dueDate: '2026-06-30',
      createdAt: '2026-06-02T02:00:00.000Z',
      doneAt: null,
    };
    const nextMonth = { ...decided, id: 'june', month: '2026-06' };
    const withDecisions = [{ ...first, assignments: [...first.assignments, decided, nextMonth] }, ...rest];
    const agenda = buildAgenda({ month: '2026-05', projects: withDecisions, lines, banks, targets, previousSnapshot: null, now });
    expect(agenda.assignments.decidedThisMonth.map((a) => a.assignmentId)).toContain('late');
    expect(agenda.assignments.open.map((a) => a.assignmentId)).toContain('late');
    expect(agenda.assignments.open.map((a) => a.assignmentId)).not.toContain('june');
  });

  it('shows what changed since the previous month', () => {
    const { agenda } = mayAgenda();
    expect(agenda.changes.disbursed).toEqual([
      { projectId: 'B', name: '西区道路', amount: 1_000 * WAN },
      { projectId: 'D', name: '老旧小区改造', amount: 500 * WAN },
    ]);
    expect(agenda.changes.newBlockers.map((n) => n.blockers.map((b) => b.id))).toEqual([['b1'], ['c3']]);
    expect(agenda.changes.moved).toEqual([]);
  });
});

describe('the month plan', () => {
  it('shows overdue, this month and the next five, on the Shanghai calendar', () => {
    // 16:30 UTC on 31 May is already 1 June in Shanghai.
    const columns = planMonths(new Date('2026-05-31T16:30:00.000Z'));
    expect(columns).toEqual([
      { kind: 'overdue' },
      { kind: 'month', month: '2026-06', current: true },
      { kind: 'month', month: '2026-07', current: false },
      { kind: 'month', month: '2026-08', current: false },
      { kind: 'month', month: '2026-09', current: false },
      { kind: 'month', month: '2026-10', current: false },
      { kind: 'month', month: '2026-11', current: false },
    ]);
  });

  it('places each project by its expected month', () => {
    const at = new Date('2026-06-03T02:00:00.000Z');
    const place = (overrides: Partial<Project>) => placeInPlan(makeProject({ id: 'x', ...overrides }), at);
    expect(place({ stage: 'approved', expectedMonth: '2026-06' })).toBe('2026-06');
    expect(place({ stage: 'approval', expectedMonth: '2026-11' })).toBe('2026-11');
    expect(place({ stage: 'approval', expectedMonth: '2026-12' })).toBe('later');
    expect(place({ stage: 'approval', expectedMonth: '2026-04' })).toBe('overdue');
    expect(place({ stage: 'disbursing', expectedMonth: '2026-04' })).toBeNull();
    expect(place({ stage: 'disbursing', expectedMonth: '2026-07' })).toBe('2026-07');
    expect(place({ stage: 'pipeline', expectedMonth: null })).toBe('unscheduled');
    expect(place({ stage: 'approval', expectedMonth: '2026-07', flag: 'suspended' })).toBeNull();
    expect(place({ stage: 'disbursed', expectedMonth: '2026-07' })).toBeNull();
  });

  it('compares planned with actual disbursement per month', () => {
    const { projects, lines, april } = mayAgenda();
    const rows = plannedVsActual({ months: ['2026-05', '2026-06', '2026-07'], projects, lines, snapshots: [april] });
    expect(rows).toEqual([
      // B was expected in May at the close of April with 6,000 approved and 2,000 drawn.
      { month: '2026-05', planned: 4_000 * WAN, plannedProjects: 1, actual: 1_500 * WAN, achievement: 0.375, basis: 'snapshot' },
      { month: '2026-06', planned: 3_000 * WAN, plannedProjects: 1, actual: 0, achievement: 0, basis: 'live' },
      { month: '2026-07', planned: 3_000 * WAN, plannedProjects: 1, actual: 0, achievement: 0, basis: 'live' },
    ]);
    expect(plannedAmount({ need: 100, approved: 0, disbursed: 30 })).toBe(70);
    expect(plannedAmount({ need: 100, approved: 80, disbursed: 80 })).toBe(0);
  });
});
