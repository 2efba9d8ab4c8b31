/**
 * The month plan 月度计划 as its page shows it: overdue, this month and the next five, beyond the
 * plan, and not yet scheduled; each column's cards in the order the bureau reads them (by expected
 * month, the largest planned drawdown first) and the column's planned total.
 */
import { monthOf } from '../dates';
import { placeInPlan, plannedAmount, planMonths } from '../meeting/plan';
import type { IsoMonth, Project, Yuan } from '../types';
import { projectNeed } from './definitions';

/** A column key: 'overdue', a month, 'later' (beyond the plan) or 'unscheduled' (no month yet). */
export type PlanColumnKey = 'overdue' | 'later' | 'unscheduled' | IsoMonth;

export interface PlanCardView {
  project: Project;
  /** What the project is expected to draw in its month. */
  planned: Yuan;
}

export interface PlanColumnView {
  key: PlanColumnKey;
  /** The month a card dropped here gets (null: unscheduled); undefined when nothing can be dropped here. */
  dropMonth: IsoMonth | null | undefined;
  current: boolean;
  cards: PlanCardView[];
  planned: Yuan;
}

/** What a project is expected to draw when its month comes: the need not yet approved and drawn. */
export function plannedOfProject(project: Pick<Project, 'needTotal' | 'clearance'>): Yuan {
  return plannedAmount({ need: projectNeed(project), approved: project.clearance.approved, disbursed: project.clearance.disbursed });
}

export function monthPlanColumns(projects: readonly Project[], now: Date): PlanColumnView[] {
  const current = monthOf(now);
  const months = planMonths(now).flatMap((column) => (column.kind === 'month' ? [column.month] : []));
  const keys: PlanColumnKey[] = ['overdue', ...months, 'later', 'unscheduled'];
  const byKey = new Map<PlanColumnKey, PlanCardView[]>(keys.map((key) => [key, []]));
  for (const project of projects) {
    const placement = placeInPlan(project, now);
    if (placement === null) continue;
    byKey.get(placement)?.push({ project, planned: plannedOfProject(project) });
  }
  return keys.map((key) => {
    const cards = (byKey.get(key) ?? []).sort(
      (a, b) =>
        (a.project.expectedMonth ?? '').localeCompare(b.project.expectedMonth ?? '') ||
        b.planned - a.planned ||
        a.project.name.localeCompare(b.project.name, 'zh-Hans-CN'),
    );
    const dropMonth: IsoMonth | null | undefined = key === 'unscheduled' ? null : key === 'overdue' || key === 'later' ? undefined : key;
    return { key, dropMonth, current: key === current, cards, planned: cards.reduce((sum, card) => sum + card.planned, 0) };
  });
}
