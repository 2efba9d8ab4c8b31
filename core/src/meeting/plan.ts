/**
 * The month plan 月度计划: columns are months, each project sits in the month it is expected to
 * reach its milestone 预计投放月 (its first drawdown). A project whose month has passed before the
 * first drawdown is overdue, the same fact the `milestonePassed` stall rule fires on.
 */
import { addMonths, monthOf } from '../dates';
import { stageIndex } from '../stages';
import type { IsoMonth, LoanLine, Project, Yuan } from '../types';
import { rateOf } from '../views/definitions';
import type { MonthSnapshot } from './snapshot';

/** Months shown after the current one. */
export const PLAN_MONTHS_AHEAD = 5;

export type PlanColumn = { kind: 'overdue' } | { kind: 'month'; month: IsoMonth; current: boolean };

/** Where a project sits in the plan; null = not in the plan (off the flow, or milestone reached). */
export type PlanPlacement = 'overdue' | IsoMonth | 'later' | 'unscheduled' | null;

/** overdue, this month, and the next five. */
export function planMonths(now: Date): PlanColumn[] {
  const current = monthOf(now);
  return [
    { kind: 'overdue' },
    ...Array.from({ length: PLAN_MONTHS_AHEAD + 1 }, (_, i) => ({ kind: 'month' as const, month: addMonths(current, i), current: i === 0 })),
  ];
}

function milestoneReached(project: Pick<Project, 'stage'>): boolean {
  return stageIndex(project.stage) >= stageIndex('disbursing');
}

export function placeInPlan(project: Pick<Project, 'stage' | 'flag' | 'expectedMonth'>, now: Date): PlanPlacement {
  if (project.flag !== null || project.stage === 'disbursed') return null;
  if (project.expectedMonth === null) return milestoneReached(project) ? null : 'unscheduled';
  const current = monthOf(now);
  if (project.expectedMonth < current) return milestoneReached(project) ? null : 'overdue';
  if (project.expectedMonth > addMonths(current, PLAN_MONTHS_AHEAD)) return 'later';
  return project.expectedMonth;
}

/**
 * The amount a project is expected to draw in its month: what is approved and not yet drawn,
 * or, before any approval, the need not yet met.
 */
export function plannedAmount(figures: { need: Yuan; approved: Yuan; disbursed: Yuan }): Yuan {
  const basis = figures.approved > 0 ? figures.approved : figures.need;
  return Math.max(basis - figures.disbursed, 0);
}

export interface PlannedVsActualRow {
  month: IsoMonth;
  planned: Yuan;
  plannedProjects: number;
  actual: Yuan;
  /** actual / planned 计划完成率; null when nothing was planned. */
  achievement: number | null;
  /**
   * 'snapshot': the plan as it stood at the close of the month before (so rescheduling a project
   * later does not rewrite history); 'live': the projects' current expected months, amounts as of
   * the month's start.
   */
  basis: 'snapshot' | 'live';
}

/**
 * Planned vs actual disbursement for each of `months`. Actual: tranches dated in the month.
 * Planned: the `plannedAmount` of the on-flow projects expected in the month, taken from the
 * closed snapshot of the month before when there is one, else from the live projects.
 */
export function plannedVsActual(input: {
  months: readonly IsoMonth[];
  projects: readonly Project[];
  lines: readonly LoanLine[];
  snapshots?: readonly MonthSnapshot[];
}): PlannedVsActualRow[] {
  const snapshotByMonth = new Map((input.snapshots ?? []).map((s) => [s.month, s]));
  const linesByProject = new Map<string, LoanLine[]>();
  for (const line of input.lines) {
    const list = linesByProject.get(line.projectId);
    if (list) list.push(line);
    else linesByProject.set(line.projectId, [line]);
  }
  return input.months.map((month) => {
    let actual = 0;
    for (const line of input.lines) {
      for (const tranche of line.tranches) if (tranche.date.startsWith(month)) actual += tranche.amount;
    }
    const before = snapshotByMonth.get(addMonths(month, -1));
    if (before) {
      const expected = before.projects.filter((p) => p.flag === null && p.expectedMonth === month);
      const planned = expected.reduce((sum, p) => sum + plannedAmount(p), 0);
      return {
        month,
        planned,
        plannedProjects: expected.filter((p) => plannedAmount(p) > 0).length,
        actual,
        achievement: rateOf(actual, planned),
        basis: 'snapshot',
      };
    }
    const firstDay = `${month}-01`;
    let planned = 0;
    let plannedProjects = 0;
    for (const project of input.projects) {
      if (project.flag !== null || project.expectedMonth !== month) continue;
      let approved = 0;
      let disbursed = 0;
      for (const line of linesByProject.get(project.id) ?? []) {
        approved += line.approved ?? 0;
        for (const tranche of line.tranches) if (tranche.date < firstDay) disbursed += tranche.amount;
      }
      const amount = plannedAmount({ need: project.needTotal, approved, disbursed });
      planned += amount;
      if (amount > 0) plannedProjects += 1;
    }
    return { month, planned, plannedProjects, actual, achievement: rateOf(actual, planned), basis: 'live' };
  });
}
